// Images: convolve, convolveSeparable, gaussianBlur (sync and async), convolveBatch(Async),
// convolveEach and convolveStream. The docs promise the native kernels give the bits of
// src/reference/image.ts: compared bitwise.
import fc from 'fast-check'
import { collect, drive, sourceOf, SOURCE_KINDS } from '../drive.mjs'
import { Unknown, array, integer, invalid, number, options, plainValue, sameTyped, signal, tagOf } from '../oracle.mjs'
import { Weird, arrArb, listArb, materialize, mostlyValidWrapArb, numberArb, objArb, optional, orHostile, signalArb, taArb } from '../values.mjs'

const SAMPLE_TAGS = ['Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Float32Array']
const CTOR = { Uint8Array, Uint8ClampedArray, Uint16Array, Float32Array }
const OBJ_WRAPS = ['frozen', 'sealed', 'nullProto', 'proxy', 'throwingGetter', 'detachingGetter', 'classInstance', 'inherited', 'trapThrows']
const v = (x) => ({ t: 'v', v: x })

const dimArb = orHostile(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 12 }).map(v) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 1e6, 2 ** 31, Number.NaN).map(v) }), 0.3)
const shapeArb = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 40, max: 70 }), fc.integer({ min: 40, max: 70 }), fc.integer({ min: 1, max: 4 })) },
)
/** An image recipe: data of w x h x c samples (sometimes not), in hotpath's or sharp's shape. */
const imageArb = orHostile(
  shapeArb.chain(([w, h, c]) =>
    fc.record({
      data: orHostile(
        taArb(['u8', 'u8', 'u8', 'u8c', 'u16', 'u16', 'f32', 'f32', 'buf', 'f64', 'i32'].slice(0, 9 + (w % 3)), {
          len: fc.oneof({ weight: 12, arbitrary: fc.constant(w * h * c) }, { weight: 1, arbitrary: fc.constantFrom(w * h * c + 1, w * h, 0) }),
          kinds: ['byte', 'byte', 'word', 'unit', 'special'],
          wraps: mostlyValidWrapArb,
        }),
        0.3,
      ),
      sharp: fc.boolean(),
      wrap: fc.constantFrom('plain', 'plain', 'plain', 'plain', 'odd'),
      dims: fc.tuple(fc.constant(v(w)), fc.constant(v(h)), fc.constant(v(c))),
      oddDims: fc.tuple(dimArb, dimArb, dimArb),
    }).chain((r) => {
      const [wd, hd, cd] = r.wrap === 'odd' ? r.oddDims : r.dims
      const dims = { width: wd, height: hd, channels: cd }
      if (r.sharp) return objArb({ data: fc.constant(r.data), info: objArb(Object.fromEntries(Object.entries(dims).map(([k, x]) => [k, fc.constant(x)])), { requiredKeys: ['width', 'height', 'channels'], wraps: OBJ_WRAPS }) }, { requiredKeys: ['data', 'info'], wraps: OBJ_WRAPS })
      return objArb({ data: fc.constant(r.data), ...Object.fromEntries(Object.entries(dims).map(([k, x]) => [k, fc.constant(x)])) }, { requiredKeys: ['data', 'width', 'height', 'channels'], wraps: OBJ_WRAPS })
    }),
  ),
  0.3,
)

const sideArb = orHostile(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(1, 3, 5, 7).map(v) }, { weight: 1, arbitrary: fc.constantFrom(2, 0, 63, 65, -1, 1.5).map(v) }), 0.3)
const weightsArb = (len) =>
  orHostile(
    fc.oneof(
      { weight: 4, arbitrary: taArb(['f32', 'f64'], { len, kinds: ['unit'], wraps: mostlyValidWrapArb }) },
      { weight: 1, arbitrary: taArb(['f32', 'f64', 'i32'], { len, kinds: ['unit', 'special', 'big'] }) },
      { weight: 2, arbitrary: arrArb({ len, kinds: ['unit', 'unit', 'unit', 'special'] }) },
    ),
    0.3,
  )
const kernelArb = orHostile(
  fc.tuple(sideArb, sideArb).chain(([w, h]) => {
    const n = Number.isInteger(w.v) && Number.isInteger(h.v) && w.v > 0 && h.v > 0 ? Math.min(w.v * h.v, 4000) : 9
    return objArb({ width: fc.constant(w), height: fc.constant(h), data: weightsArb(fc.oneof({ weight: 9, arbitrary: fc.constant(n) }, { weight: 1, arbitrary: fc.constantFrom(n + 1, 0) })) }, { requiredKeys: ['width', 'height', 'data'], wraps: OBJ_WRAPS })
  }),
  0.3,
)
const axisArb = weightsArb(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(1, 3, 5, 7, 9) }, { weight: 1, arbitrary: fc.constantFrom(0, 2, 63, 65) }))
const gaussianArb = orHostile(objArb({ sigma: orHostile(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(0.5, 1, 1.5, 3, 10, 10.4, 11, 0, -1).map(v) }, { weight: 1, arbitrary: numberArb })), radius: optional(orHostile(fc.constantFrom(0, 1, 2, 31, 32, -1, 1.5).map(v))) }, { requiredKeys: ['sigma'], wraps: OBJ_WRAPS }), 0.3)
const filterArb = fc.oneof(kernelArb, gaussianArb, orHostile(objArb({ x: axisArb, y: axisArb }, { wraps: OBJ_WRAPS }), 0.3))
const optionFields = {
  border: optional(orHostile(fc.constantFrom('renormalize', 'clamp', 'mirror', 'zero', 'wrap', 'ZERO').map(v))),
  rounding: optional(orHostile(fc.constantFrom('round', 'truncate', 'floor').map(v))),
  channels: optional(orHostile(listArb(orHostile(fc.integer({ min: -1, max: 4 }).map(v), 0.3), { maxLength: 4 }))),
}
/** An `out` image: mostly a fresh image of the input's shape (built by the `outFor` builder). */
const outArb = optional(fc.oneof({ weight: 4, arbitrary: fc.record({ t: fc.constant('custom'), kind: fc.constant('outFor'), wrap: mostlyValidWrapArb }) }, { weight: 1, arbitrary: imageArb }))
const convolveOptions = (async) => optional(objArb({ ...optionFields, out: outArb, ...(async ? { signal: signalArb } : {}) }, { wraps: OBJ_WRAPS }))
const batchOptions = (async) => optional(objArb({ ...optionFields, ...(async ? { signal: signalArb } : {}) }, { wraps: OBJ_WRAPS }))

export const builders = {
  /** An output for the image argument (argument 0): same shape and sample type, its own memory. */
  outFor(r, ctx) {
    const image = ctx.parts[0]?.canon
    if (!image || typeof image !== 'object' || tagOf(image.data) === undefined) return { value: undefined, canon: undefined }
    const { data, width, height, channels } = image
    const m = materialize({ t: 'ta', type: { Uint8Array: 'u8', Uint8ClampedArray: 'u8c', Uint16Array: 'u16', Float32Array: 'f32' }[tagOf(data)] ?? 'u8', len: data.length, kind: 'zero', seed: 0, wrap: r.wrap }, ctx)
    return { value: { data: m.value, width, height, channels }, canon: { data: m.canon, width, height, channels } }
  },
  source(r, ctx) {
    const { value, canon } = materialize(r.list, ctx)
    return { value: sourceOf(value, r.as, ctx), canon: { source: canon, as: r.as } }
  },
}

/** A canonical image checked like checkImage: { data, tag, width, height, channels }. */
function image(c, name = 'image') {
  c = plainValue(c, name)
  if (c === null || typeof c !== 'object' || c instanceof Weird) {
    if (c instanceof Weird && c.isObject) invalid(`${name}: an object without data`)
    invalid(`${name}: not an object`)
  }
  const o = options(c, name)
  const sharp = plainValue(o.width, `${name}.width`) === undefined && o.info !== undefined && plainValue(o.info, `${name}.info`) !== null && typeof o.info === 'object'
  const dims = sharp ? options(o.info, `${name}.info`) : o
  const data = plainValue(o.data, `${name}.data`)
  const tag = tagOf(data)
  if (!SAMPLE_TAGS.includes(tag)) invalid(`${name}.data: not a sample array`)
  const width = integer(dims.width, `${name}.width`, 1)
  const height = integer(dims.height, `${name}.height`, 1)
  const channels = integer(dims.channels, `${name}.channels`, 1, 4)
  if (data.length !== width * height * channels) invalid(`${name}.data: length`)
  return { data, tag, width, height, channels }
}

function weights(c, name) {
  c = plainValue(c, name)
  const tag = tagOf(c)
  let src
  if (tag === 'Float32Array' || tag === 'Float64Array') src = Array.from(c)
  else src = array(c, name)
  const out = new Float32Array(src.length)
  src.forEach((w, i) => {
    out[i] = number(w, `${name}[${i}]`)
    if (!Number.isFinite(out[i])) invalid(`${name}[${i}]: not finite in float32`)
  })
  return out
}

function side(c, name) {
  const n = integer(c, name, 1, 63)
  if (n % 2 === 0) invalid(`${name}: even`)
  return n
}

function kernel(c, name = 'kernel') {
  const o = options(c, name)
  const width = side(o.width, `${name}.width`)
  const height = side(o.height, `${name}.height`)
  const data = weights(o.data, `${name}.data`)
  if (data.length !== width * height) invalid(`${name}.data: length`)
  return { separable: false, weights: data, width, height }
}

function axis(c, name) {
  const w = weights(c, name)
  if (w.length % 2 === 0 || w.length > 63) invalid(`${name}: length`)
  return w
}

function gaussian(c, r, name = 'gaussian') {
  const o = options(c, name)
  const sigma = number(o.sigma, `${name}.sigma`)
  if (!(sigma > 0) || !Number.isFinite(sigma)) invalid('sigma')
  let radius
  if (plainValue(o.radius, `${name}.radius`) === undefined) {
    radius = Math.ceil(3 * sigma)
    if (radius > 31) invalid('sigma: too wide for the default radius')
  } else radius = integer(o.radius, `${name}.radius`, 0, 31)
  const w = r.image.gaussianWeights(sigma, radius)
  return { separable: true, x: w, y: w }
}

function filter(c, r, name = 'kernel') {
  const o = plainValue(c, name)
  if (o !== null && typeof o === 'object' && !(o instanceof Weird) && !Array.isArray(o) && !ArrayBuffer.isView(o)) {
    if ('data' in o) return kernel(o, name)
    if ('x' in o || 'y' in o) return { separable: true, x: axis(o.x, `${name}.x`), y: axis(o.y, `${name}.y`) }
    if ('sigma' in o) return gaussian(o, r, name)
  }
  if (o instanceof Weird && o.isObject) throw new Unknown(`${name}: an object of another kind`)
  invalid(`${name}: not a kernel`)
}

function checkedOptions(c, async) {
  const o = options(c)
  const border = plainValue(o.border, 'options.border') ?? 'renormalize'
  if (!['renormalize', 'clamp', 'mirror', 'zero'].includes(border)) invalid('options.border')
  const rounding = plainValue(o.rounding, 'options.rounding') ?? 'round'
  if (rounding !== 'round' && rounding !== 'truncate') invalid('options.rounding')
  const channels = plainValue(o.channels, 'options.channels')
  if (channels !== undefined) array(channels, 'options.channels')
  if (async) signal(o.signal)
  return { border, rounding, channels, out: o.out }
}

function mask(channels, count) {
  if (channels === undefined) return (1 << count) - 1
  let m = 0
  channels.forEach((ch, i) => (m |= 1 << integer(ch, `options.channels[${i}]`, 0, count - 1)))
  return m
}

function filtered(img, f, opts, m, r) {
  const out = new CTOR[img.tag](img.data.length)
  const plan = { width: img.width, height: img.height, channels: img.channels, border: opts.border, rounding: opts.rounding, channelMask: m }
  if (f.separable) r.image.convolveSeparable(img.data, out, plan, f.x, f.y)
  else r.image.convolve(img.data, out, plan, f.weights, f.width, f.height)
  return { data: out, width: img.width, height: img.height, channels: img.channels }
}

function one(imageC, f, optionsC, r, async) {
  const img = image(imageC)
  const opts = checkedOptions(optionsC, async)
  const m = mask(opts.channels, img.channels)
  if (plainValue(opts.out, 'options.out') !== undefined) {
    const out = image(opts.out, 'options.out')
    if (out.tag !== img.tag || out.width !== img.width || out.height !== img.height || out.channels !== img.channels) invalid('options.out: another shape or type')
  }
  return filtered(img, f, opts, m, r)
}

function compareImage(actual, want) {
  if (!actual || typeof actual !== 'object') return `got ${typeof actual}`
  if (actual.width !== want.width || actual.height !== want.height || actual.channels !== want.channels) return `shape ${actual.width}x${actual.height}x${actual.channels}, expected ${want.width}x${want.height}x${want.channels}`
  return sameTyped(actual.data, want.data)
}

function compareImages(actual, want) {
  if (!Array.isArray(actual) || actual.length !== want.length) return `got ${actual?.length} images, expected ${want.length}`
  for (let i = 0; i < want.length; i++) {
    const m = compareImage(actual[i], want[i])
    if (m) return `images[${i}]: ${m}`
  }
  return null
}

function batch(imagesC, kernelC, optionsC, r, async) {
  const images = array(imagesC, 'images').map((im, i) => image(im, `images[${i}]`))
  const f = filter(kernelC, r)
  const opts = checkedOptions(optionsC, async)
  if (plainValue(options(optionsC).out, 'options.out') !== undefined) invalid('options.out in a batch call')
  if (opts.channels !== undefined) mask(opts.channels, 4)
  return images.map((img) => filtered(img, f, opts, mask(opts.channels, img.channels), r))
}

function streamOptions(c) {
  const o = options(c)
  if (plainValue(o.concurrency, 'options.concurrency') !== undefined) integer(o.concurrency, 'options.concurrency', 1, 64)
  return o
}

const singles = [
  ['convolve', fc.tuple(imageArb, kernelArb), (c) => kernel(c[1])],
  ['convolveSeparable', fc.tuple(imageArb, axisArb, axisArb), (c) => ({ separable: true, x: axis(c[1], 'kx'), y: axis(c[2], 'ky') })],
  ['gaussianBlur', fc.tuple(imageArb, gaussianArb), (c, r) => gaussian(c[1], r)],
]

export const specs = [
  ...singles.flatMap(([name, argsArb, filterOf]) =>
    [false, true].map((async) => ({
        name: async ? `${name}Async` : name,
        kind: async ? 'async' : 'sync',
        args: argsArb.chain((a) => fc.tuple(...a.map(fc.constant), convolveOptions(async), optional(fc.constant({ t: 'detachAfter', at: 0 })))),
        // The last argument is the detachAfter instruction, not passed.
        run: (hp, a) => hp[async ? `${name}Async` : name](...a.slice(0, -1)),
        oracle: (c, r) => {
          const f = filterOf(c, r)
          return one(c[0], f, c[c.length - 2], r, async)
        },
        compare: compareImage,
      })),
  ),
  ...[false, true].map((async) => ({
    name: async ? 'convolveBatchAsync' : 'convolveBatch',
    kind: async ? 'async' : 'sync',
    args: fc.tuple(orHostile(listArb(imageArb, { maxLength: 4 }), 0.3), filterArb, batchOptions(async)),
    run: (hp, a) => hp[async ? 'convolveBatchAsync' : 'convolveBatch'](...a),
    oracle: (c, r) => batch(c[0], c[1], c[2], r, async),
    compare: compareImages,
  })),
  {
    name: 'convolveEach',
    kind: 'async',
    args: fc.tuple(fc.record({ t: fc.constant('custom'), kind: fc.constant('source'), list: listArb(imageArb, { maxLength: 4 }), as: fc.constantFrom(...SOURCE_KINDS) }), filterArb, optional(objArb({ ...optionFields, signal: signalArb, concurrency: optional(orHostile(fc.constantFrom(1, 2, 64, 0, 65).map(v))) }, { wraps: OBJ_WRAPS }))),
    run: (hp, [source, k, o]) => collect(hp.convolveEach(source, k, o)),
    oracle: ([s, k, o], r) => {
      const f = filter(k, r)
      const opts = checkedOptions(o, true)
      streamOptions(o)
      const src = plainValue(s, 'source')
      if (src.as === 'throwsMidway') invalid('source throws')
      const items = array(plainValue(src.source, 'source'), 'source')
      return items.map((im, i) => {
        const img = image(im, `source[${i}]`)
        return filtered(img, f, opts, mask(opts.channels, img.channels), r)
      })
    },
    compare: compareImages,
  },
  {
    name: 'convolveStream',
    kind: 'stream',
    args: fc.tuple(filterArb, optional(objArb({ ...optionFields, concurrency: optional(orHostile(fc.constantFrom(1, 2, 64, 0, 65).map(v))) }, { wraps: OBJ_WRAPS })), listArb(imageArb, { maxLength: 4 })),
    run: (hp, [k, o, items]) => drive(hp.convolveStream(k, o), items),
    oracle: ([k, o, itemsC], r) => {
      const f = filter(k, r)
      const opts = checkedOptions(o, false)
      streamOptions(o)
      const items = plainValue(itemsC, 'items')
      if (!Array.isArray(items)) throw new Unknown('items')
      return items.filter((x) => x !== null && x !== undefined).map((im, i) => {
        const img = image(im, `images[${i}]`)
        return filtered(img, f, opts, mask(opts.channels, img.channels), r)
      })
    },
    compare: compareImages,
  },
]
