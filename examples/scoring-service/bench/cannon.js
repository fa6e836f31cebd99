// One autocannon run (programmatic, so binary bodies stay bytes); prints autocannon's JSON result.
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const [url, type, file, rate, seconds, connections] = process.argv.slice(2)
const result = await autocannon({ url, method: 'POST', headers: { 'content-type': type }, body: readFileSync(file), connections: Number(connections), duration: Number(seconds), overallRate: Number(rate) })
process.stdout.write(JSON.stringify(result))
