/**
 * Argument errors of the text family: typed errors (src/core/errors.ts) with stable codes whose
 * messages name the argument, down to the element (`texts[3]`, `json.counts[1]`); sync calls
 * throw, async ones reject and never throw, tokenStream validates its options when it is made.
 */
import { describe, expect, it } from 'vitest'
import { IllegalConstructorError, InvalidArgTypeError, InvalidArgValueError, OutOfRangeError, Tokenizer, Vocabulary } from '../../src/index.js'
import { INVALID_TYPE, INVALID_VALUE, OUT_OF_RANGE, expectErrorShape, expectRejects, expectThrows, type ErrorShape } from '../helpers/errors.js'

/** Lets tests pass values the types forbid, as JavaScript callers can. */
function loose<T>(value: unknown): T {
  return value as T
}

function detached(bytes: Uint8Array): Uint8Array {
  structuredClone(bytes.buffer, { transfer: [bytes.buffer as ArrayBuffer] })
  return bytes
}

const TYPE = { ...INVALID_TYPE, type: InvalidArgTypeError }
const VALUE = { ...INVALID_VALUE, type: InvalidArgValueError }
const RANGE = { ...OUT_OF_RANGE, type: OutOfRangeError }

const t = new Tokenizer()
const vocabulary = t.buildVocabulary(['a b c a'])
// More than 4,096 UTF-16 units: the async calls go to the pool, not inline.
const big = Array.from({ length: 2000 }, (_, i) => `record ${i} with words`)

describe('new Tokenizer(options)', () => {
  const bad: [string, unknown, ErrorShape][] = [
    ['options not an object', 5, { ...TYPE, includes: ['"options"'] }],
    ['options null', null, { ...TYPE, includes: ['"options"'] }],
    ['normalize a wrong string', { normalize: 'NFKC' }, { ...VALUE, includes: ['"options.normalize"', "'nfkc', 'nfc', 'none'", "'NFKC'"] }],
    ['normalize not a string', { normalize: true }, { ...TYPE, includes: ['"options.normalize"', 'string'] }],
    ['segmenter a wrong string', { segmenter: 'icu' }, { ...VALUE, includes: ['"options.segmenter"', "'uax29', 'auto'"] }],
    ['numbers a wrong string', { numbers: 'remove' }, { ...VALUE, includes: ['"options.numbers"', "'keep', 'drop'"] }],
    ['lowercase not a boolean', { lowercase: 'yes' }, { ...TYPE, includes: ['"options.lowercase"', 'boolean'] }],
    ['lowercase 1', { lowercase: 1 }, { ...TYPE, includes: ['"options.lowercase"'] }],
    ['caseFold not a boolean', { caseFold: 'true' }, { ...TYPE, includes: ['"options.caseFold"', 'boolean'] }],
    ['minLength 0', { minLength: 0 }, { ...RANGE, includes: ['"options.minLength"', 'integer >= 1', '0'] }],
    ['minLength 1.5', { minLength: 1.5 }, { ...RANGE, includes: ['"options.minLength"', '1.5'] }],
    ['minLength -1', { minLength: -1 }, { ...RANGE, includes: ['"options.minLength"', '-1'] }],
    ['minLength NaN', { minLength: Number.NaN }, { ...RANGE, includes: ['"options.minLength"', 'NaN'] }],
    ['minLength a string', { minLength: '2' }, { ...TYPE, includes: ['"options.minLength"', 'number'] }],
    ['maxLength 0', { maxLength: 0 }, { ...RANGE, includes: ['"options.maxLength"'] }],
    ['maxLength Infinity', { maxLength: Infinity }, { ...RANGE, includes: ['"options.maxLength"'] }],
    ['maxLength < minLength', { minLength: 3, maxLength: 2 }, { ...VALUE, includes: ['"options.maxLength"', '>= options.minLength (3)', '2'] }],
    ['stopwords a string (not a list)', { stopwords: 'the' }, { ...TYPE, includes: ['"options.stopwords"', 'iterable of strings'] }],
    ['stopwords a number', { stopwords: 5 }, { ...TYPE, includes: ['"options.stopwords"'] }],
    ['stopwords null', { stopwords: null }, { ...TYPE, includes: ['"options.stopwords"'] }],
    ['stopwords an object', { stopwords: { the: true } }, { ...TYPE, includes: ['"options.stopwords"'] }],
    ['a non-string stopword', { stopwords: ['the', 'a', 3] }, { ...TYPE, includes: ['"options.stopwords[2]"', 'string'] }],
    ['a non-string stopword in a Set', { stopwords: new Set(['a', null]) }, { ...TYPE, includes: ['"options.stopwords[1]"'] }],
    ['urls empty', { urls: '' }, { ...VALUE, includes: ['"options.urls"', 'non-empty placeholder'] }],
    ['urls not a string', { urls: true }, { ...TYPE, includes: ['"options.urls"', "'keep', 'drop' or a placeholder string"] }],
    ['urls with a lone surrogate', { urls: '\ud800' }, { ...VALUE, includes: ['"options.urls"', 'well-formed'] }],
    ['emails empty', { emails: '' }, { ...VALUE, includes: ['"options.emails"'] }],
    ['emails a number', { emails: 1 }, { ...TYPE, includes: ['"options.emails"'] }],
  ]
  for (const [name, options, shape] of bad) {
    it(name, () => {
      expectThrows(() => new Tokenizer(loose(options)), shape)
    })
  }

  it('accepts every valid option, and undefined for each', () => {
    expect(new Tokenizer({ normalize: 'none', lowercase: false, caseFold: true, segmenter: 'auto', minLength: 2, maxLength: 2, stopwords: new Set(['x']), numbers: 'drop', urls: 'keep', emails: '<e>' })).toBeInstanceOf(Tokenizer)
    expect(new Tokenizer({ normalize: undefined, lowercase: undefined, minLength: undefined, maxLength: undefined, stopwords: undefined, urls: undefined })).toBeInstanceOf(Tokenizer)
    expect(new Tokenizer(undefined)).toBeInstanceOf(Tokenizer)
  })

  it("a stopword iterable's own error passes through unchanged", () => {
    const mine = new Error('from the iterable')
    const stopwords = {
      *[Symbol.iterator]() {
        yield 'a'
        throw mine
      },
    }
    expect(() => new Tokenizer({ stopwords })).toThrow(mine)
  })
})

describe('input of tokenize, tokenizeBatch, encodeBatch, buildVocabulary', () => {
  it('tokenize takes a string', () => {
    for (const value of [5, null, undefined, ['a'], Buffer.from('a'), Symbol('s')]) expectThrows(() => t.tokenize(loose(value)), { ...TYPE, includes: ['"text"', 'string'] })
  })

  it('a non-string record is named by its index', () => {
    expectThrows(() => t.tokenizeBatch(loose(['a', 'b', 'c', 4])), { ...TYPE, includes: ['"texts[3]"', 'of type string', 'number'] })
    expectThrows(() => t.tokenizeBatch(loose([null])), { ...TYPE, includes: ['"texts[0]"', 'null'] })
    expectThrows(() => t.encodeBatch(loose(['a', { toString: () => 'b' }]), { hashBits: 8 }), { ...TYPE, includes: ['"input[1]"'] })
    expectThrows(() => t.buildVocabulary(loose(['a', 'b', undefined])), { ...TYPE, includes: ['"input[2]"'] })
    const holey = ['a', 'b']
    holey.length = 3
    expectThrows(() => t.tokenizeBatch(holey), { ...TYPE, includes: ['"texts[2]"', 'undefined'] })
  })

  it('the input is an array of strings or a Uint8Array', () => {
    for (const value of ['a string', 5, null, undefined, new Uint16Array(4), new DataView(new ArrayBuffer(4)), new ArrayBuffer(4), new Set(['a']), { length: 1, 0: 'a' }]) {
      expectThrows(() => t.tokenizeBatch(loose(value)), { ...TYPE, includes: ['"texts"', 'Array, Buffer or Uint8Array'] })
      expectThrows(() => t.encodeBatch(loose(value), { hashBits: 8 }), { ...TYPE, includes: ['"input"'] })
      expectThrows(() => t.buildVocabulary(loose(value)), { ...TYPE, includes: ['"input"'] })
    }
    // A Buffer and a Uint8Array subclass are fine; so are views at an offset.
    expect(t.tokenizeBatch(Buffer.from('a\nb'))).toEqual([['a'], ['b']])
    expect(t.tokenizeBatch(new Uint8Array(Buffer.from('xxa b')).subarray(2))).toEqual([['a', 'b']])
  })

  it('a detached Uint8Array is ERR_INVALID_ARG_VALUE, not an empty batch', () => {
    const shape = { ...VALUE, includes: ['detached'] }
    expectThrows(() => t.tokenizeBatch(detached(new Uint8Array(8))), { ...shape, includes: ['"texts"', 'detached'] })
    expectThrows(() => t.encodeBatch(detached(new Uint8Array(8)), { hashBits: 8 }), { ...shape, includes: ['"input"', 'detached'] })
    // Buffer.alloc, not Buffer.from: Node's pooled Buffers cannot be transferred (detached).
    expectThrows(() => t.buildVocabulary(detached(Buffer.alloc(3))), { ...shape, includes: ['"input"', 'detached'] })
    // A really empty one is an empty batch.
    expect(t.tokenizeBatch(new Uint8Array(0))).toEqual([])
  })

  it('options.parallel must be a boolean', () => {
    expectThrows(() => t.tokenizeBatch(['a'], loose({ parallel: 'no' })), { ...TYPE, includes: ['"options.parallel"', 'boolean'] })
    expectThrows(() => t.encodeBatch(['a'], loose({ hashBits: 8, parallel: 1 })), { ...TYPE, includes: ['"options.parallel"'] })
    expectThrows(() => t.buildVocabulary(['a'], loose({ parallel: null })), { ...TYPE, includes: ['"options.parallel"'] })
    expectThrows(() => t.tokenizeBatch(['a'], loose(5)), { ...TYPE, includes: ['"options"'] })
  })
})

describe('encodeBatch options', () => {
  it('exactly one of hashBits and vocabulary', () => {
    expectThrows(() => t.encodeBatch(['a'], loose(undefined)), { ...TYPE, includes: ['"options"', '"hashBits" or "vocabulary"'] })
    expectThrows(() => t.encodeBatch(['a'], loose(null)), { ...TYPE, includes: ['"options"'] })
    expectThrows(() => t.encodeBatch(['a'], loose({})), { ...VALUE, includes: ['"options"', 'neither'] })
    expectThrows(() => t.encodeBatch(['a'], loose({ hashBits: 8, vocabulary })), { ...VALUE, includes: ['"options"', 'not both'] })
  })

  it('hashBits is an integer from 1 to 32', () => {
    for (const hashBits of [0, 33, 1.5, -1, Number.NaN, Infinity]) expectThrows(() => t.encodeBatch(['a'], { hashBits }), { ...RANGE, includes: ['"options.hashBits"', 'integer >= 1 and <= 32', String(hashBits)] })
    expectThrows(() => t.encodeBatch(['a'], loose({ hashBits: '8' })), { ...TYPE, includes: ['"options.hashBits"', 'number'] })
    expectThrows(() => t.encodeBatch(['a'], loose({ hashBits: 8n })), { ...TYPE, includes: ['"options.hashBits"'] })
  })

  it('vocabulary is a Vocabulary', () => {
    for (const value of [{}, vocabulary.toJSON(), new Map(), 'a', null]) expectThrows(() => t.encodeBatch(['a'], loose({ vocabulary: value })), { ...TYPE, includes: ['"options.vocabulary"', 'Vocabulary'] })
  })
})

describe('buildVocabulary options', () => {
  it('minCount >= 1 and maxSize >= 0, integers', () => {
    for (const minCount of [0, -1, 1.5, Number.NaN]) expectThrows(() => t.buildVocabulary(['a'], { minCount }), { ...RANGE, includes: ['"options.minCount"'] })
    expectThrows(() => t.buildVocabulary(['a'], loose({ minCount: '2' })), { ...TYPE, includes: ['"options.minCount"'] })
    for (const maxSize of [-1, 2.5, Infinity]) expectThrows(() => t.buildVocabulary(['a'], { maxSize }), { ...RANGE, includes: ['"options.maxSize"'] })
    expectThrows(() => t.buildVocabulary(['a'], loose('all')), { ...TYPE, includes: ['"options"'] })
    expect(t.buildVocabulary(['a b'], { maxSize: 0 }).size).toBe(0)
  })
})

describe('async twins reject, never throw', () => {
  const calls: [string, () => Promise<unknown>, ErrorShape][] = [
    ['tokenizeBatchAsync: texts[3]', () => t.tokenizeBatchAsync(loose(['a', 'b', 'c', 4])), { ...TYPE, includes: ['"texts[3]"'] }],
    ['tokenizeBatchAsync: a string', () => t.tokenizeBatchAsync(loose('a')), { ...TYPE, includes: ['"texts"'] }],
    ['tokenizeBatchAsync: detached', () => t.tokenizeBatchAsync(detached(new Uint8Array(16))), { ...VALUE, includes: ['"texts"', 'detached'] }],
    ['tokenizeBatchAsync: signal not a signal', () => t.tokenizeBatchAsync(big, loose({ signal: {} })), { ...TYPE, includes: ['"options.signal"', 'AbortSignal'] }],
    ['tokenizeBatchAsync: options not an object', () => t.tokenizeBatchAsync(big, loose(7)), { ...TYPE, includes: ['"options"'] }],
    ['encodeBatchAsync: input[1]', () => t.encodeBatchAsync(loose(['a', 1]), { hashBits: 8 }), { ...TYPE, includes: ['"input[1]"'] }],
    ['encodeBatchAsync: detached', () => t.encodeBatchAsync(detached(Buffer.alloc(32)), { hashBits: 8 }), { ...VALUE, includes: ['"input"', 'detached'] }],
    ['encodeBatchAsync: options missing', () => t.encodeBatchAsync(big, loose(undefined)), { ...TYPE, includes: ['"options"'] }],
    ['encodeBatchAsync: both', () => t.encodeBatchAsync(big, loose({ hashBits: 4, vocabulary })), { ...VALUE, includes: ['"options"', 'not both'] }],
    ['encodeBatchAsync: hashBits 0', () => t.encodeBatchAsync(big, { hashBits: 0 }), { ...RANGE, includes: ['"options.hashBits"'] }],
    ['encodeBatchAsync: hashBits 33', () => t.encodeBatchAsync(big, { hashBits: 33 }), { ...RANGE, includes: ['"options.hashBits"'] }],
    ['encodeBatchAsync: hashBits 1.5', () => t.encodeBatchAsync(['a'], { hashBits: 1.5 }), { ...RANGE, includes: ['"options.hashBits"'] }],
    ['encodeBatchAsync: not a Vocabulary', () => t.encodeBatchAsync(big, loose({ vocabulary: {} })), { ...TYPE, includes: ['"options.vocabulary"'] }],
    ['encodeBatchAsync: signal', () => t.encodeBatchAsync(big, loose({ hashBits: 8, signal: 'x' })), { ...TYPE, includes: ['"options.signal"'] }],
    ['buildVocabularyAsync: input[0]', () => t.buildVocabularyAsync(loose([1])), { ...TYPE, includes: ['"input[0]"'] }],
    ['buildVocabularyAsync: detached', () => t.buildVocabularyAsync(detached(new Uint8Array(4))), { ...VALUE, includes: ['"input"', 'detached'] }],
    ['buildVocabularyAsync: minCount 0', () => t.buildVocabularyAsync(big, { minCount: 0 }), { ...RANGE, includes: ['"options.minCount"'] }],
    ['buildVocabularyAsync: maxSize -1', () => t.buildVocabularyAsync(big, { maxSize: -1 }), { ...RANGE, includes: ['"options.maxSize"'] }],
    ['buildVocabularyAsync: signal', () => t.buildVocabularyAsync(big, loose({ signal: 1 })), { ...TYPE, includes: ['"options.signal"'] }],
  ]
  for (const [name, start, shape] of calls) {
    it(name, async () => {
      await expectRejects(start, shape)
    })
  }
})

describe('Vocabulary', () => {
  it('has no public constructor: ERR_ILLEGAL_CONSTRUCTOR', () => {
    const Ctor = Vocabulary as unknown as new (...args: unknown[]) => unknown
    for (const args of [[], [Symbol('Vocabulary')], [undefined, undefined, ['a'], [1]]]) {
      const error = expectThrows(() => new Ctor(...args), { type: IllegalConstructorError, code: 'ERR_ILLEGAL_CONSTRUCTOR', name: 'TypeError', includes: ['buildVocabulary', 'Vocabulary.fromJSON'] })
      expect(error).toBeInstanceOf(TypeError)
    }
  })

  const json = { version: 1, tokens: ['a', 'b'], counts: [2, 1] }
  const badJson: [string, unknown, ErrorShape][] = [
    ['null', null, { ...TYPE, includes: ['"json"', 'VocabularyJSON'] }],
    ['a number', 5, { ...TYPE, includes: ['"json"'] }],
    ['version 2', { ...json, version: 2 }, { ...VALUE, includes: ['"json.version"', '1', '2'] }],
    ['version missing', { tokens: [], counts: [] }, { ...VALUE, includes: ['"json.version"', 'undefined'] }],
    ["version '1'", { ...json, version: '1' }, { ...VALUE, includes: ['"json.version"'] }],
    ['tokens not an array', { ...json, tokens: 'ab' }, { ...TYPE, includes: ['"json.tokens"', 'Array'] }],
    ['counts not an array', { ...json, counts: { 0: 2, 1: 1 } }, { ...TYPE, includes: ['"json.counts"', 'Array'] }],
    ['lengths mismatch', { ...json, counts: [2] }, { ...VALUE, includes: ['"json.counts"', 'as many counts as tokens (2)', '1'] }],
    ['duplicate tokens', { ...json, tokens: ['a', 'a'] }, { ...VALUE, includes: ['"json.tokens[1]"', 'not listed before', "'a' again"] }],
    ['a non-string token', { ...json, tokens: ['a', 2] }, { ...TYPE, includes: ['"json.tokens[1]"', 'string'] }],
    ['a token with a lone surrogate', { ...json, tokens: ['a', '\udc00'] }, { ...VALUE, includes: ['"json.tokens[1]"', 'well-formed'] }],
    ['a negative count', { ...json, counts: [2, -1] }, { ...RANGE, includes: ['"json.counts[1]"', 'integer >= 0', '-1'] }],
    ['a fractional count', { ...json, counts: [0.5, 1] }, { ...RANGE, includes: ['"json.counts[0]"', '0.5'] }],
    ['a NaN count', { ...json, counts: [Number.NaN, 1] }, { ...RANGE, includes: ['"json.counts[0]"'] }],
    ['a string count', { ...json, counts: ['2', 1] }, { ...TYPE, includes: ['"json.counts[0]"', 'number'] }],
  ]
  for (const [name, value, shape] of badJson) {
    it(`fromJSON: ${name}`, () => {
      expectThrows(() => Vocabulary.fromJSON(value), shape)
      // The same as JSON text, where JSON can say it.
      if (value !== null && typeof value === 'object' && !Number.isNaN((value as { counts?: number[] }).counts?.[0])) expectThrows(() => Vocabulary.fromJSON(JSON.stringify(value)), shape)
    })
  }

  it('fromJSON accepts its own output, parsed or as text, and counts of 0', () => {
    expect(Vocabulary.fromJSON(json).toJSON()).toEqual(json)
    expect(Vocabulary.fromJSON(JSON.stringify(json)).toJSON()).toEqual(json)
    expect(Vocabulary.fromJSON({ version: 1, tokens: ['z'], counts: [0] }).count('z')).toBe(0)
  })

  it('fromJSON: a string that is not JSON is ERR_INVALID_ARG_VALUE naming "json"', () => {
    for (const text of ['{version: 1}', '', 'not json', '{"version":1,"tokens":[],']) expectThrows(() => Vocabulary.fromJSON(text), { ...VALUE, includes: ['"json"'] })
  })

  it('id, token and count check their argument', () => {
    for (const v of [vocabulary, Vocabulary.fromJSON(json)]) {
      expectThrows(() => v.id(loose(5)), { ...TYPE, includes: ['"token"', 'string'] })
      expectThrows(() => v.count(loose(null)), { ...TYPE, includes: ['"token"'] })
      expectThrows(() => v.token(loose('1')), { ...TYPE, includes: ['"id"', 'number'] })
      for (const id of [-1, 1.5, Number.NaN]) expectThrows(() => v.token(id), { ...RANGE, includes: ['"id"', 'integer >= 0'] })
      // Not errors: unknown tokens, lone surrogates and ids past the end.
      expect(v.id('\ud800')).toBe(0)
      expect(v.count('\ud800')).toBe(0)
      expect(v.token(2 ** 40)).toBeUndefined()
    }
  })
})

describe('tokenStream options are checked when the stream is made', () => {
  const bad: [string, unknown, ErrorShape][] = [
    ['options not an object', 'ids', { ...TYPE, includes: ['"options"'] }],
    ["output 'json'", { output: 'json' }, { ...VALUE, includes: ['"options.output"', "'tokens' or 'ids'"] }],
    ['output a number', { output: 1 }, { ...VALUE, includes: ['"options.output"'] }],
    ["output 'ids' without an encoding", { output: 'ids' }, { ...VALUE, includes: ['"options"', 'neither'] }],
    ["output 'ids' with both", { output: 'ids', hashBits: 8, vocabulary }, { ...VALUE, includes: ['"options"', 'not both'] }],
    ["output 'ids', hashBits 33", { output: 'ids', hashBits: 33 }, { ...RANGE, includes: ['"options.hashBits"'] }],
    ["output 'ids', hashBits 0", { output: 'ids', hashBits: 0 }, { ...RANGE, includes: ['"options.hashBits"'] }],
    ["output 'ids', not a Vocabulary", { output: 'ids', vocabulary: {} }, { ...TYPE, includes: ['"options.vocabulary"'] }],
    ["hashBits with output 'tokens'", { hashBits: 8 }, { ...VALUE, includes: ['"options"', "only with output: 'ids'"] }],
    ["vocabulary with output 'tokens'", { output: 'tokens', vocabulary }, { ...VALUE, includes: ['"options"'] }],
    ['batchSize 0', { batchSize: 0 }, { ...RANGE, includes: ['"options.batchSize"'] }],
    ['batchSize 1.5', { batchSize: 1.5 }, { ...RANGE, includes: ['"options.batchSize"'] }],
    ['batchSize too large', { batchSize: 2 ** 24 + 1 }, { ...RANGE, includes: ['"options.batchSize"'] }],
    ["batchSize '10'", { batchSize: '10' }, { ...TYPE, includes: ['"options.batchSize"'] }],
    ['batchBytes 0', { batchBytes: 0 }, { ...RANGE, includes: ['"options.batchBytes"'] }],
    ['batchBytes above 256 MiB', { batchBytes: 2 ** 28 + 1 }, { ...RANGE, includes: ['"options.batchBytes"'] }],
    ['signal not a signal', { signal: { aborted: false } }, { ...TYPE, includes: ['"options.signal"', 'AbortSignal'] }],
  ]
  for (const [name, options, shape] of bad) {
    it(name, () => {
      expectThrows(() => t.tokenStream(loose(options)), shape)
    })
  }

  it('writing something that is not bytes or a string fails the stream with a coded error', async () => {
    for (const chunk of [5, { a: 1 }, [1, 2]]) {
      const stream = t.tokenStream()
      const failed = new Promise<unknown>((resolve) => stream.on('error', resolve))
      stream.resume()
      // Node's Writable refuses it before hotpath sees it, with Node's own code: Node 20 throws
      // from write(), later versions may fail the stream instead.
      let error: unknown
      try {
        stream.write(loose(chunk))
        error = await failed
      } catch (thrown) {
        error = thrown
      }
      expectErrorShape(error, { type: TypeError, code: 'ERR_INVALID_ARG_TYPE', includes: ['"chunk"'] })
      stream.destroy()
    }
  })
})
