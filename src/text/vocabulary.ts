/**
 * `Vocabulary`: tokens with their ids and counts. Ids start at 1 in order of descending count,
 * ties broken by the tokens' code points, so a build over the same records is reproducible; id 0
 * ({@link UNKNOWN_TOKEN_ID}) stands for every token the vocabulary does not hold.
 */
import { IllegalConstructorError, invalidType, invalidValue } from '../core/errors.js'
import { coded } from '../core/guard.js'
import { native, type NativeBinding } from '../core/native.js'
import { integerInRange } from '../core/validate.js'

type NativeVocabulary = InstanceType<NativeBinding['NativeVocabulary']>

/** The id `encodeBatch` gives a token the vocabulary does not hold. */
export const UNKNOWN_TOKEN_ID = 0

/** `vocab.toJSON()`: tokens in id order (id 1 first) and their counts. */
export interface VocabularyJSON {
  version: 1
  tokens: string[]
  counts: number[]
}

const CREATE = Symbol('Vocabulary')

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw invalidValue('json', 'a VocabularyJSON object or its JSON text', `text that is not JSON (${(error as Error).message})`)
  }
}

/** Orders strings by code point (JavaScript's `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (U+D800-DFFF) encode code points above every BMP unit that follows them.
    const sx = x >= 0xd800 && x <= 0xdfff
    const sy = y >= 0xd800 && y <= 0xdfff
    if (sx !== sy) return sx ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

/** Token counts → vocabulary entries: at least `minCount`, by descending count then code points, at most `maxSize`. */
export function rankCounts(counts: Map<string, number>, minCount: number, maxSize: number | undefined): { tokens: string[]; counts: number[] } {
  const entries = [...counts].filter((e) => e[1] >= minCount)
  entries.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]))
  if (maxSize !== undefined) entries.length = Math.min(entries.length, maxSize)
  return { tokens: entries.map((e) => e[0]), counts: entries.map((e) => e[1]) }
}

export class Vocabulary {
  #native: NativeVocabulary | undefined
  #tokens: string[] | undefined
  #counts: number[] | undefined
  #ids: Map<string, number> | undefined

  /** @internal Use `tokenizer.buildVocabulary()` or `Vocabulary.fromJSON()`. */
  constructor(token: symbol, handle: NativeVocabulary | undefined, tokens?: string[], counts?: number[]) {
    if (token !== CREATE) throw new IllegalConstructorError('Vocabulary has no public constructor: use tokenizer.buildVocabulary(input) or Vocabulary.fromJSON(json)')
    this.#native = handle
    this.#tokens = tokens
    this.#counts = counts
  }

  /** @internal */
  static fromNative(handle: NativeVocabulary): Vocabulary {
    return new Vocabulary(CREATE, handle)
  }

  /** @internal */
  static fromParts(tokens: string[], counts: number[]): Vocabulary {
    return new Vocabulary(CREATE, undefined, tokens, counts)
  }

  /**
   * A vocabulary from `vocab.toJSON()` output (or the parsed JSON of it). Tokens must be distinct
   * well-formed strings, counts non-negative integers, one per token.
   */
  static fromJSON(json: unknown): Vocabulary {
    try {
      if (typeof json === 'string') json = parseJson(json)
      if (json === null || typeof json !== 'object') throw invalidType('json', 'a VocabularyJSON object', json)
      const { version, tokens, counts } = json as Partial<VocabularyJSON>
      if (version !== 1) throw invalidValue('json.version', '1', String(version))
      if (!Array.isArray(tokens)) throw invalidType('json.tokens', 'an instance of Array', tokens)
      if (!Array.isArray(counts)) throw invalidType('json.counts', 'an instance of Array', counts)
      if (counts.length !== tokens.length) throw invalidValue('json.counts', `as many counts as tokens (${tokens.length})`, `${counts.length}`)
      const seen = new Set<string>()
      for (let i = 0; i < tokens.length; i++) {
        const t: unknown = tokens[i]
        if (typeof t !== 'string') throw invalidType(`json.tokens[${i}]`, 'of type string', t)
        if (!t.isWellFormed()) throw invalidValue(`json.tokens[${i}]`, 'a well-formed string', 'a string with a lone surrogate')
        if (seen.has(t)) throw invalidValue(`json.tokens[${i}]`, 'a token not listed before', `'${t}' again`)
        seen.add(t)
        integerInRange(counts[i], `json.counts[${i}]`, 0)
      }
      return new Vocabulary(CREATE, undefined, [...(tokens as string[])], [...(counts as number[])])
    } catch (error) {
      throw coded(error)
    }
  }

  /** Number of tokens (the unknown id is not counted). */
  get size(): number {
    return this.#native ? this.#native.size : this.#tokens!.length
  }

  /** The token's id, or {@link UNKNOWN_TOKEN_ID}. */
  id(token: string): number {
    if (typeof token !== 'string') throw invalidType('token', 'of type string', token)
    // Tokens are well-formed; native code would read a lone surrogate as U+FFFD.
    if (!token.isWellFormed()) return UNKNOWN_TOKEN_ID
    if (this.#native) return this.#native.id(token)
    return this.#idMap().get(token) ?? UNKNOWN_TOKEN_ID
  }

  /** The token with this id, or `undefined` (for 0 and ids past the end). */
  token(id: number): string | undefined {
    integerInRange(id, 'id', 0)
    if (this.#native) return id > 0xffffffff ? undefined : (this.#native.token(id) ?? undefined)
    return id === UNKNOWN_TOKEN_ID ? undefined : this.#tokens![id - 1]
  }

  /** How often the build counted the token (0 when absent). */
  count(token: string): number {
    if (typeof token !== 'string') throw invalidType('token', 'of type string', token)
    if (!token.isWellFormed()) return 0
    if (this.#native) return this.#native.count(token)
    const id = this.#idMap().get(token)
    return id === undefined ? 0 : this.#counts![id - 1]!
  }

  toJSON(): VocabularyJSON {
    const { tokens, counts } = this.#parts()
    return { version: 1, tokens: [...tokens], counts: [...counts] }
  }

  /** @internal The native handle for `encodeBatch`, made once. */
  nativeHandle(): NativeVocabulary {
    if (!this.#native) {
      const { tokens, counts } = this.#parts()
      this.#native = native!.NativeVocabulary.fromParts(tokens, counts)
    }
    return this.#native
  }

  /** @internal Token → id in JavaScript (the reference encoder). */
  idMap(): ReadonlyMap<string, number> {
    return this.#idMap()
  }

  #parts(): { tokens: string[]; counts: number[] } {
    if (!this.#tokens) {
      this.#tokens = this.#native!.tokens()
      this.#counts = this.#native!.counts()
    }
    return { tokens: this.#tokens, counts: this.#counts! }
  }

  #idMap(): Map<string, number> {
    if (!this.#ids) {
      const { tokens } = this.#parts()
      this.#ids = new Map(tokens.map((t, i) => [t, i + 1]))
    }
    return this.#ids
  }
}
