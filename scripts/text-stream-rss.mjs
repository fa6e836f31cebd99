#!/usr/bin/env node
// Peak RSS of `tokenStream` over a large file: generates SIZE_MB (default 1024) of synthetic
// records (the bench suite's generator) into a temporary file, streams it through
// `tokenStream({ output: 'ids', hashBits: 20 })` into a discarding Writable, and prints the peak
// RSS sampled every 50 ms, the throughput, and the ids counted. Needs `npm run build`.
// Usage: node scripts/text-stream-rss.mjs [SIZE_MB]
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { Tokenizer } from '../dist/index.js'
import { syntheticRecords } from '../dist/bench/text.js'

const sizeMb = Number(process.argv[2] ?? 1024)
const dir = mkdtempSync(join(tmpdir(), 'hotpath-rss-'))
const file = join(dir, 'records.txt')
try {
  const block = Buffer.from(syntheticRecords(100_000).join('\n') + '\n')
  const out = createWriteStream(file)
  for (let written = 0; written < sizeMb * 1e6; written += block.length) {
    if (!out.write(block)) await new Promise((r) => out.once('drain', r))
  }
  await new Promise((r) => out.end(r))
  const bytes = statSync(file).size
  let peak = 0
  let ids = 0
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50)
  const start = performance.now()
  await pipeline(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    new Tokenizer().tokenStream({ output: 'ids', hashBits: 20 }),
    new Writable({ objectMode: true, write: (batch, _e, done) => ((ids += batch.ids.length), done()) }),
  )
  const seconds = (performance.now() - start) / 1e3
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage.rss())
  console.log(`file ${(bytes / 1e6).toFixed(0)} MB, ${ids.toLocaleString('en-US')} ids in ${seconds.toFixed(1)} s (${(bytes / 1e6 / seconds).toFixed(1)} MB/s), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
