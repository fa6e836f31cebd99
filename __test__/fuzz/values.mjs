// Argument "recipes" for the fuzz suite and how they become real values.
//
// fast-check generates recipes: small plain data ({ t: 'ta', type: 'f64', len: 20, wrap: 'sab' }).
// `materialize` turns a recipe into a fresh value for one call (so stateful values, such as a
// getter that detaches a buffer, are new every time) together with its *canonical* form: what the
// value means to the pure-TS oracle (a plain typed array holding the real memory's contents, a
// plain object of canonical fields), or a marker:
//   Bad   the value must be rejected (detached, out of bounds, a proxy where a typed array is due)
//   Any   the oracle cannot say what it means: only "no crash" and "coded error" are checked
//   Weird an object of no accepted type (a Map, a Date, a circular object, ...)
// Element values come from the suite's one PRNG (__test__/helpers/prng.mjs), seeded by the recipe.
import vm from 'node:vm'
import fc from 'fast-check'
import { prng } from '../helpers/prng.mjs'

export class Bad {
  constructor(reason) {
    this.reason = reason
  }
}
export class Any {
  constructor(reason) {
    this.reason = reason
  }
}
export class Weird {
  constructor(kind, isObject) {
    this.kind = kind
    this.isObject = isObject
  }
}
/** The error user code (a getter, a trap, an iterator) throws: it may propagate as it is. */
export class UserError extends Error {
  constructor() {
    super('thrown by user code (fuzz sentinel)')
    this.name = 'UserError'
  }
}
/** A field deleted from the canonical form (its getter throws: reading it must throw). */
export const MISSING = Symbol('missing')

const realm = vm.createContext({})

/**
 * Lengths of the huge sparse arrays. Not 2^32 - 1: convolveBatch (and every API that loops over
 * an array's length before checking its elements) then spins for minutes (see FINDINGS.md).
 */
const HUGE_SPARSE_LENGTHS = [4097, 1e6, 1e7]

export const CTORS = {
  f64: Float64Array,
  f32: Float32Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array,
  u8c: Uint8ClampedArray,
  i64: BigInt64Array,
  buf: Buffer,
}

// ---------------------------------------------------------------------------------------------
// Element values

const SPECIALS = [Number.NaN, Infinity, -Infinity, -0, 1e308, -1e308, 5e-324, 2 ** 1000, -(2 ** -1070), 0]

/** `len` numbers of `kind`, from `seed`. */
export function fillValues(len, kind, seed) {
  const r = prng(seed)
  const out = Array.from({ length: len })
  for (let i = 0; i < len; i++) {
    const u = r()
    switch (kind) {
      case 'lat':
        out[i] = u * 180 - 90
        break
      case 'lon':
        out[i] = u * 360 - 180
        break
      case 'lonWide':
        out[i] = u * 800 - 400
        break
      case 'byte':
        out[i] = Math.floor(u * 256)
        break
      case 'word':
        out[i] = Math.floor(u * 65536)
        break
      case 'big':
        out[i] = (u - 0.5) * 1e200
        break
      case 'zero':
        out[i] = 0
        break
      case 'special':
        out[i] = r() < 0.15 ? SPECIALS[Math.floor(r() * SPECIALS.length)] : u * 4 - 2
        break
      default:
        out[i] = u * 4 - 2
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// Recipes (arbitraries)

const smallLen = fc.oneof({ weight: 6, arbitrary: fc.nat(40) }, { weight: 2, arbitrary: fc.integer({ min: 17, max: 400 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2, 3) })
/** Lengths that cross every native and async dispatch threshold (async inline limits are 2^15..2^16 values). */
export const lengthArb = fc.oneof({ weight: 8, arbitrary: smallLen }, { weight: 1, arbitrary: fc.integer({ min: 32_769, max: 70_000 }) })

const VALID_WRAPS = ['plain', 'plain', 'plain', 'plain', 'offset', 'sab', 'subclass', 'lyingLength', 'lyingGetter', 'lyingBuffer', 'realm', 'resizable', 'tracking']
const BAD_WRAPS = ['detached', 'oob', 'proxy', 'lookalike']
export const wrapArb = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...VALID_WRAPS) }, { weight: 2, arbitrary: fc.constantFrom(...BAD_WRAPS) })
/** For arguments that come in pairs or sets, where one bad wrap already spoils the call. */
export const mostlyValidWrapArb = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...VALID_WRAPS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_WRAPS) })

/** A typed array recipe of one of `types`, whose length is `len` (an arbitrary) and values of `kind`. */
export function taArb(types, { len = lengthArb, kinds = ['unit', 'special'], wraps = wrapArb } = {}) {
  return fc.record({ t: fc.constant('ta'), type: fc.constantFrom(...types), len, kind: fc.constantFrom(...kinds), seed: fc.nat(), wrap: wraps })
}

/** A plain-array recipe. */
export function arrArb({ len = smallLen, kinds = ['unit', 'special'], element } = {}) {
  return fc.record({
    t: fc.constant('arr'),
    len,
    kind: fc.constantFrom(...kinds),
    seed: fc.nat(),
    wrap: fc.oneof({ weight: 6, arbitrary: fc.constant('plain') }, { weight: 3, arbitrary: fc.constantFrom('holey', 'frozen', 'sealed', 'proxy', 'getterThrows', 'getterDetaches', 'hostileElement', 'subclass', 'realm', 'hugeSparse') }),
    at: fc.nat(),
    element: element ?? hostileArb,
  })
}

/** A list (plain array) of item recipes. */
export function listArb(item, { maxLength = 6 } = {}) {
  return fc.record({
    t: fc.constant('list'),
    items: fc.array(item, { maxLength }),
    wrap: fc.oneof({ weight: 6, arbitrary: fc.constant('plain') }, { weight: 2, arbitrary: fc.constantFrom('holey', 'frozen', 'proxy', 'getterThrows', 'getterDetaches', 'hugeSparse') }),
    at: fc.nat(),
  })
}

const OBJ_WRAPS = ['frozen', 'sealed', 'nullProto', 'proxy', 'throwingGetter', 'detachingGetter', 'classInstance', 'inherited', 'trapThrows', 'array']
/** An object recipe with the given field arbitraries (each field present or not). */
export function objArb(fields, { requiredKeys = [], wraps = OBJ_WRAPS } = {}) {
  return fc.record({
    t: fc.constant('obj'),
    fields: fc.record(fields, { requiredKeys }),
    wrap: fc.oneof({ weight: 6, arbitrary: fc.constant('plain') }, { weight: 2, arbitrary: fc.constantFrom(...wraps) }),
    at: fc.nat(),
  })
}

export const num = (v) => ({ t: 'v', v })
/** Any number worth trying where a number is due, including the usual suspects. */
export const numberArb = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2, 3, 7, 16, 17, 100, 1e6, 2 ** 31, 2 ** 32, 2 ** 32 + 1, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 1e308),
  fc.integer({ min: -5, max: 100 }),
).map(num)

const HOSTILE = [
  'undefined', 'null', 'true', 'string', 'emptyString', 'numericString', 'symbol', 'bigint', 'bigintNeg', 'bigintHuge', 'object', 'emptyArray', 'function', 'circular', 'proxyThrows',
  'revokedProxy', 'nullProto', 'date', 'regexp', 'map', 'promise', 'throwingIterable', 'dataView', 'arrayBuffer', 'sharedArrayBuffer', 'detachedArrayBuffer', 'weakRef', 'throwingPrimitive',
  'lyingLength', 'lyingByteLength', 'negativeLength', 'nanLength', 'hugeLength', 'NaN', 'Infinity', '-Infinity', '-0', 'hugeNumber', 'negative', 'fraction', 'boxedNumber', 'frozenEmpty',
]
export const hostileArb = fc.constantFrom(...HOSTILE).map((h) => ({ t: 'h', h }))

/** `valid` most of the time, a hostile value sometimes. */
export function orHostile(valid, hostileWeight = 1) {
  return fc.oneof({ weight: 18, arbitrary: valid }, { weight: Math.max(1, Math.round(hostileWeight * 3)), arbitrary: hostileArb })
}

/** An optional argument: omitted (undefined) often, else `arb`. */
export function optional(arb) {
  return fc.oneof({ weight: 2, arbitrary: fc.constant({ t: 'v', v: undefined }) }, { weight: 3, arbitrary: arb })
}

export const signalArb = fc.constantFrom('live', 'aborted', 'abortSoon', 'abortLater', 'notASignal', 'lookalike').map((state) => ({ t: 'signal', state }))

// ---------------------------------------------------------------------------------------------
// Materialization

/** Per-call state: typed arrays that a getter may detach, and what user code did. */
export function newContext() {
  return { hp: undefined, builders: {}, victims: [], sentinelFired: false, detachFired: false, afterCall: [], hasUserThrow: false, notes: [] }
}

function detach(view) {
  try {
    const buffer = ArrayBuffer.isView(view) ? Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float64Array.prototype), 'buffer').get.call(view) : view
    if (buffer instanceof SharedArrayBuffer || Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]') return false
    structuredClone(buffer, { transfer: [buffer] })
    return true
  } catch {
    return false
  }
}
export { detach }

function detachVictim(ctx, at) {
  const victims = ctx.victims
  if (victims.length === 0) return
  if (detach(victims[at % victims.length])) ctx.detachFired = true
}

function throwSentinel(ctx) {
  ctx.sentinelFired = true
  throw new UserError()
}

function copyOfKind(C, values) {
  const out = new C(values.length)
  for (let i = 0; i < values.length; i++) out[i] = C === BigInt64Array ? BigInt(Math.trunc(Number.isFinite(values[i]) ? values[i] : 0)) : values[i]
  return out
}

function makeTypedArray(r, ctx) {
  const C = CTORS[r.type]
  const values = fillValues(r.len, r.kind, r.seed)
  const plain = copyOfKind(C, values)
  const canon = C === Buffer ? new Uint8Array(plain) : plain.slice()
  const bpe = C.BYTES_PER_ELEMENT
  const fill = (v) => {
    for (let i = 0; i < r.len; i++) v[i] = plain[i]
    return v
  }
  let value
  switch (r.wrap) {
    case 'offset': {
      const buffer = new ArrayBuffer((r.len + 5) * bpe)
      value = fill(C === Buffer ? Buffer.from(buffer, 3, r.len) : new C(buffer, 3 * bpe, r.len))
      break
    }
    case 'sab':
      value = fill(C === Buffer ? Buffer.from(new SharedArrayBuffer(r.len)) : new C(new SharedArrayBuffer(r.len * bpe)))
      break
    case 'subclass': {
      if (C === Buffer) return makeTypedArray({ ...r, wrap: 'plain' }, ctx)
      class Sub extends C {}
      value = fill(new Sub(r.len))
      break
    }
    case 'lyingLength':
      value = fill(new (C === Buffer ? Uint8Array : C)(r.len))
      Object.defineProperty(value, 'length', { value: r.len + 7 })
      Object.defineProperty(value, 'byteLength', { value: (r.len + 7) * bpe })
      break
    case 'lyingGetter': {
      const Base = C === Buffer ? Uint8Array : C
      class Liar extends Base {
        get length() {
          return 1
        }
        get byteLength() {
          return 1e9
        }
        get byteOffset() {
          return 12345
        }
      }
      value = fill(new Liar(r.len))
      break
    }
    case 'lyingBuffer':
      value = fill(new (C === Buffer ? Uint8Array : C)(r.len))
      Object.defineProperty(value, 'buffer', { value: new SharedArrayBuffer(8) })
      break
    case 'realm': {
      const name = C === Buffer ? 'Uint8Array' : C.name
      value = fill(vm.runInContext(`new ${name}(${r.len})`, realm))
      break
    }
    case 'resizable': {
      const buffer = new ArrayBuffer(r.len * bpe, { maxByteLength: (r.len + 8) * bpe })
      value = fill(new (C === Buffer ? Uint8Array : C)(buffer, 0, r.len))
      break
    }
    case 'tracking': {
      const buffer = new ArrayBuffer(r.len * bpe, { maxByteLength: (r.len + 8) * bpe })
      value = fill(new (C === Buffer ? Uint8Array : C)(buffer))
      break
    }
    case 'oob': {
      const buffer = new ArrayBuffer((r.len + 4) * bpe, { maxByteLength: (r.len + 4) * bpe })
      value = new (C === Buffer ? Uint8Array : C)(buffer, 0, r.len + 4)
      buffer.resize(0)
      return { value, canon: new Bad('a view out of bounds of its resizable buffer (shrunk)') }
    }
    case 'detached':
      value = fill(new (C === Buffer ? Uint8Array : C)(r.len))
      detach(value)
      return { value, canon: new Bad('a detached buffer') }
    case 'proxy':
      value = new Proxy(fill(new (C === Buffer ? Uint8Array : C)(r.len)), {})
      return { value, canon: new Bad('a Proxy of a typed array') }
    case 'lookalike': {
      const o = Object.create(C.prototype)
      for (let i = 0; i < r.len; i++) o[i] = plain[i]
      Object.defineProperty(o, 'length', { value: r.len })
      return { value: o, canon: new Bad('an object borrowing a typed-array prototype') }
    }
    default:
      value = C === Buffer ? Buffer.from(plain) : plain
  }
  ctx.victims.push(value)
  return { value, canon }
}

function makeArray(r, ctx) {
  const values = fillValues(r.len, r.kind, r.seed)
  const canon = values.slice()
  let value = values.slice()
  const at = r.len > 0 ? r.at % r.len : 0
  switch (r.wrap) {
    case 'holey':
      if (r.len > 0) {
        delete value[at]
        canon[at] = undefined
      }
      break
    case 'frozen':
      Object.freeze(value)
      break
    case 'sealed':
      Object.seal(value)
      break
    case 'proxy':
      value = new Proxy(value, {})
      break
    case 'getterThrows':
      if (r.len > 0) {
        ctx.hasUserThrow = true
        Object.defineProperty(value, at, { get: () => throwSentinel(ctx) })
        return { value, canon: new Any('an element getter that throws') }
      }
      break
    case 'getterDetaches':
      if (r.len > 0) {
        const x = values[at]
        Object.defineProperty(value, at, { get: () => (detachVictim(ctx, r.at), x) })
      }
      break
    case 'hostileElement':
      if (r.len > 0) {
        const e = materialize(r.element, ctx)
        value[at] = e.value
        canon[at] = e.canon
      }
      break
    case 'subclass': {
      class List extends Array {}
      value = List.from(values)
      break
    }
    case 'realm': {
      value = vm.runInContext('[]', realm)
      for (const v of values) value.push(v)
      break
    }
    case 'hugeSparse': {
      value = []
      value.length = HUGE_SPARSE_LENGTHS[r.at % HUGE_SPARSE_LENGTHS.length]
      value[0] = 1
      return { value, canon: new Any('a huge sparse array') }
    }
  }
  return { value, canon }
}

function makeList(r, ctx) {
  const parts = r.items.map((item) => materialize(item, ctx))
  let value = parts.map((p) => p.value)
  const canon = parts.map((p) => p.canon)
  const at = parts.length > 0 ? r.at % parts.length : 0
  switch (r.wrap) {
    case 'holey':
      if (parts.length > 0) {
        delete value[at]
        canon[at] = undefined
      }
      break
    case 'frozen':
      Object.freeze(value)
      break
    case 'proxy':
      value = new Proxy(value, {})
      break
    case 'getterThrows':
      if (parts.length > 0) {
        ctx.hasUserThrow = true
        Object.defineProperty(value, at, { get: () => throwSentinel(ctx) })
        return { value, canon: new Any('an element getter that throws') }
      }
      break
    case 'getterDetaches':
      if (parts.length > 0) {
        const x = parts[at].value
        Object.defineProperty(value, at, { get: () => (detachVictim(ctx, r.at), x) })
      }
      break
    case 'hugeSparse':
      value.length = HUGE_SPARSE_LENGTHS[r.at % HUGE_SPARSE_LENGTHS.length]
      return { value, canon: new Any('a huge sparse array') }
  }
  return { value, canon }
}

function makeObject(r, ctx) {
  const keys = Object.keys(r.fields)
  const fields = {}
  const canon = {}
  for (const k of keys) {
    const m = materialize(r.fields[k], ctx)
    fields[k] = m.value
    canon[k] = m.canon
  }
  const target = keys.length > 0 ? keys[r.at % keys.length] : undefined
  switch (r.wrap) {
    case 'frozen':
      return { value: Object.freeze(fields), canon }
    case 'sealed':
      return { value: Object.seal(fields), canon }
    case 'nullProto':
      return { value: Object.assign(Object.create(null), fields), canon }
    case 'proxy':
      return { value: new Proxy(fields, {}), canon }
    case 'inherited':
      return { value: Object.create(fields), canon }
    case 'classInstance': {
      class Options {
        constructor() {
          Object.assign(this, fields)
        }
      }
      return { value: new Options(), canon }
    }
    case 'array':
      return { value: Object.assign([], fields), canon: new Weird('an array with properties', false) }
    case 'throwingGetter':
      if (target === undefined) return { value: fields, canon }
      ctx.hasUserThrow = true
      Object.defineProperty(fields, target, { get: () => throwSentinel(ctx), enumerable: true })
      canon[target] = MISSING
      return { value: fields, canon }
    case 'trapThrows':
      ctx.hasUserThrow = true
      return {
        value: new Proxy(fields, {
          get: () => throwSentinel(ctx),
          has: () => throwSentinel(ctx),
        }),
        canon: keys.length === 0 ? canon : new Any('a Proxy whose traps throw'),
      }
    case 'detachingGetter': {
      if (target === undefined) return { value: fields, canon }
      const x = fields[target]
      Object.defineProperty(fields, target, { get: () => (detachVictim(ctx, r.at), x), enumerable: true })
      return { value: fields, canon }
    }
    default:
      return { value: fields, canon }
  }
}

function makeHostile(h, ctx) {
  const weird = (kind, isObject = true) => new Weird(kind, isObject)
  switch (h) {
    case 'undefined':
      return { value: undefined, canon: undefined }
    case 'null':
      return { value: null, canon: null }
    case 'true':
      return { value: true, canon: true }
    case 'string':
      return { value: 'abc', canon: 'abc' }
    case 'emptyString':
      return { value: '', canon: '' }
    case 'numericString':
      return { value: '12', canon: '12' }
    case 'symbol':
      return { value: Symbol('fuzz'), canon: weird('symbol', false) }
    case 'bigint':
      return { value: 10n, canon: 10n }
    case 'bigintNeg':
      return { value: -1n, canon: -1n }
    case 'bigintHuge':
      return { value: 2n ** 64n, canon: 2n ** 64n }
    case 'object':
      return { value: { a: 1 }, canon: weird('object') }
    case 'frozenEmpty':
      return { value: Object.freeze({}), canon: weird('object') }
    case 'emptyArray':
      return { value: [], canon: [] }
    case 'function':
      return { value: () => 1, canon: weird('function', false) }
    case 'circular': {
      const o = { name: 'circular' }
      o.self = o
      o.data = o
      o.info = o
      return { value: o, canon: weird('circular') }
    }
    case 'proxyThrows':
      ctx.hasUserThrow = true
      return { value: new Proxy({}, { get: () => throwSentinel(ctx), has: () => throwSentinel(ctx), getPrototypeOf: () => throwSentinel(ctx), ownKeys: () => throwSentinel(ctx) }), canon: new Any('a Proxy whose traps throw') }
    case 'revokedProxy': {
      const { proxy, revoke } = Proxy.revocable([], {})
      revoke()
      return { value: proxy, canon: new Bad('a revoked Proxy') }
    }
    case 'nullProto':
      return { value: Object.create(null), canon: weird('object') }
    case 'date':
      return { value: new Date(0), canon: weird('date') }
    case 'regexp':
      return { value: /x/g, canon: weird('regexp') }
    case 'map':
      return { value: new Map([[1, 2]]), canon: weird('map') }
    case 'promise':
      return { value: Promise.resolve(1), canon: weird('promise') }
    case 'throwingIterable':
      ctx.hasUserThrow = true
      return { value: { [Symbol.iterator]: () => throwSentinel(ctx) }, canon: weird('iterable that throws') }
    case 'dataView':
      return { value: new DataView(new ArrayBuffer(16)), canon: weird('DataView') }
    case 'arrayBuffer':
      return { value: new ArrayBuffer(16), canon: weird('ArrayBuffer') }
    case 'sharedArrayBuffer':
      return { value: new SharedArrayBuffer(16), canon: weird('SharedArrayBuffer') }
    case 'detachedArrayBuffer': {
      const b = new ArrayBuffer(16)
      detach(b)
      return { value: b, canon: weird('detached ArrayBuffer') }
    }
    case 'weakRef':
      return { value: new WeakRef({}), canon: weird('WeakRef') }
    case 'throwingPrimitive':
      ctx.hasUserThrow = true
      return { value: { [Symbol.toPrimitive]: () => throwSentinel(ctx), valueOf: () => throwSentinel(ctx), toString: () => throwSentinel(ctx) }, canon: weird('object with throwing toPrimitive') }
    case 'lyingLength':
      return { value: { length: 3, 0: 1, 1: 2, 2: 3 }, canon: weird('array-like') }
    case 'lyingByteLength':
      return { value: { byteLength: 1e12, length: 1e12, buffer: new ArrayBuffer(8), BYTES_PER_ELEMENT: 8 }, canon: weird('object claiming 1e12 bytes') }
    case 'negativeLength':
      return { value: { length: -1 }, canon: weird('object with length -1') }
    case 'nanLength':
      return { value: { length: Number.NaN }, canon: weird('object with length NaN') }
    case 'hugeLength':
      return { value: { length: 2 ** 53 - 1 }, canon: weird('object with length 2^53-1') }
    case 'NaN':
      return { value: Number.NaN, canon: Number.NaN }
    case 'Infinity':
      return { value: Infinity, canon: Infinity }
    case '-Infinity':
      return { value: -Infinity, canon: -Infinity }
    case '-0':
      return { value: -0, canon: -0 }
    case 'hugeNumber':
      return { value: 1e300, canon: 1e300 }
    case 'negative':
      return { value: -5, canon: -5 }
    case 'fraction':
      return { value: 2.5, canon: 2.5 }
    case 'boxedNumber':
      // eslint-disable-next-line no-new-wrappers
      return { value: Object(3), canon: weird('Number object') }
    default:
      throw new Error(`unknown hostile value ${h}`)
  }
}

function makeSignal(state, ctx) {
  switch (state) {
    case 'live':
      return { value: new AbortController().signal, canon: { signal: 'live' } }
    case 'aborted':
      return { value: AbortSignal.abort(new Error('aborted before the call')), canon: new Bad('an already-aborted signal') }
    case 'abortSoon': {
      const c = new AbortController()
      ctx.afterCall.push(() => c.abort())
      return { value: c.signal, canon: { signal: 'abortSoon' } }
    }
    case 'abortLater': {
      const c = new AbortController()
      ctx.afterCall.push(() => setTimeout(() => c.abort(), 1))
      return { value: c.signal, canon: { signal: 'abortLater' } }
    }
    case 'lookalike':
      // Passes `instanceof AbortSignal` but its getters throw ERR_INVALID_THIS: whether it is
      // rejected up front or when read, the error must carry a hotpath code.
      return { value: Object.create(AbortSignal.prototype), canon: new Any('an object borrowing AbortSignal.prototype') }
    default:
      return { value: { aborted: false, addEventListener() {}, removeEventListener() {} }, canon: new Weird('a signal look-alike', true) }
  }
}

/** A recipe as a fresh value and its canonical form. */
export function materialize(r, ctx) {
  switch (r.t) {
    case 'v':
      return { value: r.v, canon: r.v }
    case 'ta':
      return makeTypedArray(r, ctx)
    case 'arr':
      return makeArray(r, ctx)
    case 'list':
      return makeList(r, ctx)
    case 'obj':
      return makeObject(r, ctx)
    case 'h':
      return makeHostile(r.h, ctx)
    case 'signal':
      return makeSignal(r.state, ctx)
    case 'custom':
      // A value only the family can build (a model, an index, an iterable): families/*.mjs `builders`.
      return ctx.builders[r.kind](r, ctx)
    case 'alias': {
      // An `out` over the memory of an earlier argument (`length` elements of type `type`).
      const source = ctx.parts?.[r.arg]?.value
      const C = CTORS[r.type]
      try {
        const buffer = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float64Array.prototype), 'buffer').get.call(source)
        const offset = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Float64Array.prototype), 'byteOffset').get.call(source)
        const length = Math.min(r.length, Math.floor((buffer.byteLength - offset) / C.BYTES_PER_ELEMENT))
        if (length <= 0 || offset % C.BYTES_PER_ELEMENT !== 0) return { value: undefined, canon: undefined }
        return { value: new C(buffer, offset, length), canon: new Bad('an out sharing memory with an input') }
      } catch {
        return { value: undefined, canon: undefined }
      }
    }
    case 'detachAfter':
      // An instruction, not a value: after the call starts, detach one of its inputs.
      ctx.afterCall.push(() => {
        ctx.detachedAfterCall = true
        detachVictim(ctx, r.at)
      })
      return { value: undefined, canon: undefined }
    default:
      throw new Error(`unknown recipe ${JSON.stringify(r)}`)
  }
}

/** Whether a canonical value holds a marker of class `C` anywhere. */
export function find(canon, C, seen = new Set()) {
  if (canon instanceof C) return canon
  if (canon === null || typeof canon !== 'object' || ArrayBuffer.isView(canon) || seen.has(canon)) return undefined
  if (canon instanceof Bad || canon instanceof Any || canon instanceof Weird) return undefined
  seen.add(canon)
  for (const v of Object.values(canon)) {
    const f = find(v, C, seen)
    if (f) return f
  }
  return undefined
}

/** A compact, JSON-safe description of a recipe (BigInts as strings). */
export function describe(recipe) {
  return JSON.stringify(recipe, (_, v) => (typeof v === 'bigint' ? `${v}n` : v === undefined ? '<undefined>' : v))
}
