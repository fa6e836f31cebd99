import { afterEach, beforeEach } from 'vitest'

/** Collects the process warnings (MaxListenersExceededWarning and the like) each test emits; read the returned list after the test's work. */
export function collectWarnings(): Error[] {
  const warnings: Error[] = []
  const onWarning = (warning: Error): void => {
    warnings.push(warning)
  }
  beforeEach(() => {
    warnings.length = 0
    process.on('warning', onWarning)
  })
  afterEach(() => {
    process.off('warning', onWarning)
  })
  return warnings
}
