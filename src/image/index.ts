export {
  convolve,
  convolveAsync,
  convolveBatch,
  convolveBatchAsync,
  convolveSeparable,
  convolveSeparableAsync,
  gaussianBlur,
  gaussianBlurAsync,
  IMAGE_SMALL_MAX_TAPS,
} from './convolve.js'
export type { ConvolveBatchAsyncOptions, ConvolveBatchOptions } from './convolve.js'
export { convolveEach, convolveStream } from './stream.js'
export type { ConvolveStreamOptions, ImageSource } from './stream.js'
export type {
  BorderMode,
  ConvolveAsyncOptions,
  ConvolveOptions,
  FilterKernel,
  GaussianKernel,
  Image,
  ImageInput,
  ImageSamples,
  Kernel,
  KernelWeights,
  RoundingMode,
  SeparableKernel,
  SharpRawImage,
} from './input.js'
