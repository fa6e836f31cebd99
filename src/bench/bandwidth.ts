/**
 * The memory bandwidth this machine delivers to a read loop, measured in the same run as the
 * memory-bound suites, so their GB/s can be read as a fraction of what the hardware allows rather
 * than as a bare number. The probe is native (a XOR per word, all threads): a JS loop would
 * measure the JIT, not the memory. It reads as many bytes as the row it is compared with touches,
 * because that decides which level serves them (on the reference machine a 480 MiB L3 holds every
 * input of the suites; elsewhere the same sizes come from DRAM).
 */
import { native } from '../core/native.js'
import { interleavedMedians, sink } from './measure.js'

export interface ReadBandwidth {
  /** Bytes of the array the probe read. */
  bytes: number
  /** GB/s (1e9 bytes) read by the probe on all threads of hotpath's pool. */
  gbPerSec: number
}

/** Probes memoized by size, so rows with the same footprint share one measurement. */
export class BandwidthProbe {
  readonly measured: ReadBandwidth[] = []

  constructor(private readonly rounds: number) {}

  /** The probe's bandwidth over `bytes` bytes, or `null` without the native binary. */
  at(bytes: number): ReadBandwidth | null {
    if (!native) return null
    const known = this.measured.find((m) => m.bytes === bytes)
    if (known) return known
    const probe = native.probeRead
    const data = new Float64Array(Math.max(1, Math.floor(bytes / 8)))
    for (let i = 0; i < data.length; i++) data[i] = i
    const ms = interleavedMedians({ probe: () => (sink.value += probe(data, false)) }, this.rounds).probe
    const result = { bytes, gbPerSec: data.byteLength / ms / 1e6 }
    this.measured.push(result)
    return result
  }
}

/** `"14.2 GB/s, 55% of read bw"` (or just the GB/s when no probe ran). */
export function memoryThroughput(bytes: number, ms: number, bandwidth: ReadBandwidth | null): string {
  const gb = bytes / ms / 1e6
  return bandwidth ? `${gb.toFixed(1)} GB/s, ${Math.round((100 * gb) / bandwidth.gbPerSec)}% of read bw` : `${gb.toFixed(1)} GB/s`
}
