/**
 * Tokenizer options: their public shape, their validation, and the resolved configuration that
 * both the native tokenizer and the TypeScript reference are built from.
 */
import { invalidType, invalidValue } from '../core/errors.js'
import { booleanOption, integerInRange, optionsObject } from '../core/validate.js'

/** What to do with a detected URL or e-mail address: one token, removed, or any other string: the placeholder token that replaces it. */
export type SpecialTokenRule = 'keep' | 'drop' | (string & {})

export interface TokenizerOptions {
  /** Unicode normalization before (and again after) case mapping. Default `'nfkc'`. */
  normalize?: 'nfkc' | 'nfc' | 'none'
  /** Lowercase as `String.prototype.toLowerCase` does (locale-independent). Default `true`. */
  lowercase?: boolean
  /** Full Unicode case folding (`ß` → `ss`); takes the place of `lowercase`. Default `false`. */
  caseFold?: boolean
  /**
   * `'uax29'`: the word-like segments of UAX #29 word boundaries, as `Intl.Segmenter` gives for
   * scripts that need no dictionary. `'auto'` adds dictionary/model segmentation for Chinese,
   * Japanese, Thai, Lao, Khmer and Myanmar. Default `'uax29'`.
   */
  segmenter?: 'uax29' | 'auto'
  /** Shortest token kept, in code points. Default 1. */
  minLength?: number
  /** Longest token kept, in code points. Default: no limit. */
  maxLength?: number
  /** Tokens to drop, matched after normalization and case mapping. */
  stopwords?: Iterable<string>
  /** `'drop'` removes tokens that are numbers (a numeric code point and no letter). Default `'keep'`. */
  numbers?: 'keep' | 'drop'
  /** URLs (`http://`, `https://`, `www.`) as one token, dropped, or replaced. Default: not detected. */
  urls?: SpecialTokenRule
  /** E-mail addresses as one token, dropped, or replaced. Default: not detected. */
  emails?: SpecialTokenRule
}

/** The resolved configuration (the binding's `NativeTokenizerOptions`). */
export interface TokenizerConfig {
  normalize: 'nfkc' | 'nfc' | 'none'
  case: 'lower' | 'fold' | 'none'
  segmenter: 'uax29' | 'auto'
  minLength: number
  maxLength: number | undefined
  stopwords: string[]
  dropNumbers: boolean
  urls: string | undefined
  emails: string | undefined
}

/** Longest token length an option may name: beyond any record a call accepts. */
const MAX_LENGTH_LIMIT = 2 ** 32 - 1

function choice<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback
  if (typeof value !== 'string') throw invalidType(name, 'of type string', value)
  if (!(choices as readonly string[]).includes(value)) throw invalidValue(name, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, `'${value}'`)
  return value as T
}

function special(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw invalidType(name, `'keep', 'drop' or a placeholder string`, value)
  if (value.length === 0) throw invalidValue(name, `'keep', 'drop' or a non-empty placeholder`, `''`)
  if (!value.isWellFormed()) throw invalidValue(name, 'a well-formed string', 'a string with a lone surrogate')
  return value
}

function stopwordList(value: unknown, normalized: (word: string) => string): string[] {
  if (value === undefined) return []
  if (typeof value === 'string' || value === null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw invalidType('options.stopwords', 'an iterable of strings', value)
  }
  const out = new Set<string>()
  let i = 0
  for (const word of value as Iterable<unknown>) {
    if (typeof word !== 'string') throw invalidType(`options.stopwords[${i}]`, 'of type string', word)
    out.add(normalized(word))
    i++
  }
  return [...out]
}

/**
 * Validates `options` into a configuration. `normalizeWord` maps a stopword the way text is
 * mapped before matching (normalization and case mapping), so `'Der'` matches `der`.
 */
export function tokenizerConfig(options: TokenizerOptions | undefined, normalizeWord: (config: TokenizerConfig, word: string) => string): TokenizerConfig {
  const o = optionsObject(options)
  const normalize = choice(o.normalize, 'options.normalize', ['nfkc', 'nfc', 'none'] as const, 'nfkc')
  const lowercase = booleanOption(o.lowercase, 'options.lowercase', true)
  const caseFold = booleanOption(o.caseFold, 'options.caseFold', false)
  const segmenter = choice(o.segmenter, 'options.segmenter', ['uax29', 'auto'] as const, 'uax29')
  const minLength = o.minLength === undefined ? 1 : integerInRange(o.minLength, 'options.minLength', 1, MAX_LENGTH_LIMIT)
  const maxLength = o.maxLength === undefined ? undefined : integerInRange(o.maxLength, 'options.maxLength', 1, MAX_LENGTH_LIMIT)
  if (maxLength !== undefined && maxLength < minLength) throw invalidValue('options.maxLength', `>= options.minLength (${minLength})`, String(maxLength))
  const numbers = choice(o.numbers, 'options.numbers', ['keep', 'drop'] as const, 'keep')
  const config: TokenizerConfig = {
    normalize,
    case: caseFold ? 'fold' : lowercase ? 'lower' : 'none',
    segmenter,
    minLength,
    maxLength,
    stopwords: [],
    dropNumbers: numbers === 'drop',
    urls: special(o.urls, 'options.urls'),
    emails: special(o.emails, 'options.emails'),
  }
  config.stopwords = stopwordList(o.stopwords, (word) => normalizeWord(config, word))
  return config
}
