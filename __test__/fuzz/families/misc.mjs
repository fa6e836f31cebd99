// The rest of the public API: runtimeInfo() and the exported error classes' constructors.
import fc from 'fast-check'
import { hostileArb, numberArb, objArb, optional } from '../values.mjs'

const CLASSES = {
  AbortError: ['ABORT_ERR', Error],
  HotpathInternalError: ['ERR_HOTPATH_INTERNAL', Error],
  InvalidArgTypeError: ['ERR_INVALID_ARG_TYPE', TypeError],
  InvalidArgValueError: ['ERR_INVALID_ARG_VALUE', RangeError],
  NativeLoadError: ['ERR_HOTPATH_NATIVE_LOAD', Error],
  OutOfRangeError: ['ERR_OUT_OF_RANGE', RangeError],
}

const messageArb = optional(fc.oneof(fc.string({ maxLength: 20 }).map((v) => ({ t: 'v', v })), numberArb, hostileArb))

export const specs = [
  {
    name: 'runtimeInfo',
    kind: 'sync',
    // Takes no arguments: whatever is passed is ignored.
    scanBad: false,
    args: fc.tuple(optional(hostileArb)),
    run: (hp, a) => hp.runtimeInfo(...a),
    oracle: () => null,
    compare: (info) => {
      if (!info || info.backend !== 'native') return `backend ${info?.backend}`
      if (typeof info.simd !== 'string' || !(Number.isInteger(info.threads) && info.threads >= 1)) return `simd ${info.simd}, threads ${info.threads}`
      if (!info.platform || info.platform.platform !== process.platform || info.platform.arch !== process.arch) return 'platform'
      return null
    },
  },
  ...Object.entries(CLASSES).map(([name, [code, Base]]) => ({
    name: `new ${name}`,
    kind: 'sync',
    scanBad: false,
    args: fc.tuple(messageArb, optional(objArb({ cause: optional(hostileArb) }))),
    run: (hp, a) => new hp[name](...a),
    // Like `new Error(message, options)` (and Node core's own error classes): a message that does
    // not convert to a string (a Symbol, a null-prototype object, a revoked Proxy) throws the
    // engine's TypeError there too. These are not validating entry points; see FINDINGS.md.
    anyError: true,
    oracle: () => null,
    compare: (e) => (e instanceof Base && e.code === code && typeof e.message === 'string' ? null : `got ${e?.constructor?.name} code ${e?.code}`),
  })),
]
