/** How `encodeBatch` and `tokenStream` turn tokens into ids: the option and its validation. */
import { invalidType, invalidValue } from '../core/errors.js'
import { integerInRange, optionsObject } from '../core/validate.js'
import { Vocabulary } from './vocabulary.js'

/** How tokens become ids: feature hashing with `hashBits` (1-32), or a vocabulary's ids (0 for unknown tokens). Exactly one. */
export type EncodeOptions = { hashBits: number; vocabulary?: undefined } | { vocabulary: Vocabulary; hashBits?: undefined }

/** Validated: `hashBits` 0 means the vocabulary's ids. */
export interface Encoding {
  hashBits: number
  vocabulary: Vocabulary | undefined
}

export function encoding(options: unknown, name = 'options'): Encoding {
  if (options === undefined) throw invalidType(name, 'an object with "hashBits" or "vocabulary"', options)
  const o = optionsObject(options as EncodeOptions, name)
  const { hashBits, vocabulary } = o
  if (hashBits !== undefined && vocabulary !== undefined) throw invalidValue(name, 'either "hashBits" or "vocabulary", not both', 'both')
  if (vocabulary !== undefined) {
    if (!(vocabulary instanceof Vocabulary)) throw invalidType(`${name}.vocabulary`, 'an instance of Vocabulary', vocabulary)
    return { hashBits: 0, vocabulary }
  }
  if (hashBits === undefined) throw invalidValue(name, 'an object with "hashBits" or "vocabulary"', 'neither')
  return { hashBits: integerInRange(hashBits, `${name}.hashBits`, 1, 32), vocabulary: undefined }
}

