import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RiskModel } from '../../src/index.js'
import { exampleModel, postJson, randomVector, startService, stopAll, type Service } from './helpers.js'

const D = exampleModel.weights.length
const model = new RiskModel({ weights: exampleModel.weights, threshold: exampleModel.threshold })
const services: Record<'native' | 'js', Service> = {} as never

beforeAll(async () => {
  const [native, js] = await Promise.all([startService({ SCORER: 'native' }), startService({ SCORER: 'js', BODY_LIMIT: '262144' })])
  services.native = native
  services.js = js
})
afterAll(stopAll)

describe.each(['native', 'js'] as const)('scoring service, SCORER=%s', (kind) => {
  it('GET /healthz', async () => {
    const res = await fetch(`${services[kind].url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', scorer: kind, model: exampleModel.version, features: D })
  })

  it('POST /score matches RiskModel.score, flagged by decisionThreshold', async () => {
    for (let i = 0; i < 50; i++) {
      const features = randomVector(D, i + 1).map((x) => x * (i % 5))
      const res = await postJson(`${services[kind].url}/score`, { features })
      expect(res.status).toBe(200)
      const expected = model.score(features)
      expect(res.body.risk).toBeCloseTo(expected, 12)
      expect(res.body.flagged).toBe(res.body.risk > exampleModel.decisionThreshold)
    }
  })

  it('1,000 concurrent /score requests each get their own score', async () => {
    const vectors = Array.from({ length: 1000 }, (_, i) => randomVector(D, 1000 + i))
    const results = await Promise.all(vectors.map((features) => postJson(`${services[kind].url}/score`, { features })))
    results.forEach((res, i) => {
      expect(res.status).toBe(200)
      expect(res.body.risk).toBeCloseTo(model.score(vectors[i]), 12)
    })
  })

  it('POST /score/batch (JSON and binary) matches RiskModel.scoreBatch', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => randomVector(D, 5000 + i))
    const expected = model.scoreBatch(rows)
    const res = await postJson(`${services[kind].url}/score/batch`, { transactions: rows })
    expect(res.status).toBe(200)
    expect(res.body.risk).toHaveLength(300)
    res.body.risk.forEach((r: number, i: number) => expect(r).toBeCloseTo(expected[i], 12))

    const matrix = Float64Array.from(rows.flat())
    const bin = await fetch(`${services[kind].url}/score/batch`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(matrix.buffer) })
    expect(bin.status).toBe(200)
    expect(bin.headers.get('content-type')).toContain('application/octet-stream')
    const scores = new Float64Array(await bin.arrayBuffer())
    expect(scores).toHaveLength(300)
    scores.forEach((r, i) => expect(r).toBeCloseTo(expected[i], 12))
  })

  it('bad inputs get a 4xx JSON error with a code, never a 5xx', async () => {
    const url = services[kind].url
    const cases: Array<[string, string, string | Buffer, number, string?]> = [
      ['/score', 'application/json', '{"features": [1, 2', 400],
      ['/score', 'application/json', '', 400],
      ['/score', 'application/json', 'null', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', '[]', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', '{}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', '{"features": null}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', '{"features": [1, 2, 3]}', 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score', 'application/json', JSON.stringify({ features: [...randomVector(D - 1, 1), 'x'] }), 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', JSON.stringify({ features: [...randomVector(D - 1, 1), null] }), 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', JSON.stringify({ features: [...randomVector(D - 1, 1), [1]] }), 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', `{"features": [${randomVector(D - 1, 1).join(',')}, 1e999]}`, 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score', 'application/json', '{"features": "1,2,3"}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score', 'application/json', '{"__proto__": {"x": 1}, "features": []}', 400],
      ['/score/batch', 'application/json', '{"transactions": []}', 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score/batch', 'application/json', '{"transactions": [[1, 2]]}', 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score/batch', 'application/json', '{"transactions": [1, 2]}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score/batch', 'application/json', '{"transactions": [null]}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score/batch', 'application/json', '{"transactions": {"0": [1]}}', 400, 'ERR_INVALID_ARG_TYPE'],
      ['/score/batch', 'application/octet-stream', Buffer.alloc(8 * D + 8), 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score/batch', 'application/octet-stream', Buffer.alloc(0), 400],
      ['/score/batch', 'application/octet-stream', Buffer.from(new Float64Array(D).fill(NaN).buffer), 400, 'ERR_INVALID_ARG_VALUE'],
      ['/score/batch', 'application/json', JSON.stringify({ transactions: Array.from({ length: 1000 }, () => randomVector(D, 3)) }), kind === 'js' ? 413 : 200],
      ['/score', 'application/xml', '<features/>', 415],
      ['/nope', 'application/json', '{}', 404],
    ]
    for (const [path, type, body, status, code] of cases) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })
      const json = (await res.json()) as { error?: { code: string; message: string } }
      expect({ path, body: String(body).slice(0, 60), status: res.status }).toEqual({ path, body: String(body).slice(0, 60), status })
      if (status >= 400) {
        expect(typeof json.error?.code).toBe('string')
        expect(typeof json.error?.message).toBe('string')
        if (code) expect(json.error!.code).toBe(code)
      }
    }
  })

  it('a bad vector coalesced with good ones fails alone', async () => {
    const good = Array.from({ length: 200 }, (_, i) => randomVector(D, 9000 + i))
    const requests = good.flatMap((features, i) => [
      postJson(`${services[kind].url}/score`, { features }),
      postJson(`${services[kind].url}/score`, { features: i % 2 ? features.slice(1) : [...features.slice(1), 'bad'] }),
    ])
    const results = await Promise.all(requests)
    results.forEach((res, j) => {
      if (j % 2 === 0) {
        expect(res.status).toBe(200)
        expect(res.body.risk).toBeCloseTo(model.score(good[j / 2]), 12)
      } else expect(res.status).toBe(400)
    })
  })

  it('GET /metrics serves Prometheus text with the service metrics', async () => {
    const res = await fetch(`${services[kind].url}/metrics`)
    expect(res.status).toBe(200)
    const text = await res.text()
    for (const name of ['scoring_http_request_duration_seconds_bucket', 'scoring_event_loop_delay_seconds', 'process_resident_memory_bytes', 'hotpath_info', 'hotpath_pool_threads']) {
      expect(text).toContain(name)
    }
    if (kind === 'native') expect(text).toMatch(/scoring_coalesced_batch_size_count \d+/)
  })
})

it('both scorers give the same scores', async () => {
  const rows = Array.from({ length: 500 }, (_, i) => randomVector(D, 20000 + i).map((x) => x * 3))
  const [a, b] = await Promise.all([postJson(`${services.native.url}/score/batch`, { transactions: rows }), postJson(`${services.js.url}/score/batch`, { transactions: rows })])
  a.body.risk.forEach((r: number, i: number) => expect(r).toBeCloseTo(b.body.risk[i], 12))
})

describe('POST /score/batch JSON bodies (SCORER=native: parseFeatureRows on the bytes; SCORER=js: JSON.parse)', () => {
  const kinds = ['native', 'js'] as const
  const post = (kind: 'native' | 'js', body: string, path = '/score/batch') => postJson(`${services[kind].url}${path}`, body)
  const lead = Array.from({ length: 40 }, (_, i) => randomVector(D, 30000 + i))
  // parseFeatureRows hands documents under 512 bytes to JSON.parse: `short` puts the row under
  // test there, `long` (after 40 good rows, ~16 KB) on the native parser.
  const layouts = {
    short: { at: 0, body: (row: string) => `{"transactions": [${row}]}` },
    long: { at: lead.length, body: (row: string) => `${JSON.stringify({ transactions: lead }).slice(0, -2)},${row}]}` },
  }
  const row = (last: string) => `[${randomVector(D - 1, 3).join(',')},${last}]`

  it('the same valid batch gives the same scores from both scorers, and from JSON and binary bodies', async () => {
    for (const n of [1, 400]) {
      const batch = Array.from({ length: n }, (_, i) => randomVector(D, 40000 + i).map((x) => x * (i % 5)))
      const expected = Array.from(model.scoreBatch(batch))
      const body = JSON.stringify({ transactions: batch })
      const [native, js] = await Promise.all(kinds.map((kind) => post(kind, body)))
      expect(native.status).toBe(200)
      expect(js.status).toBe(200)
      expect(native.body).toEqual({ risk: expected })
      expect(Object.keys(js.body)).toEqual(['risk'])
      expect(js.body.risk).toHaveLength(n)
      // The JS twin sums in another order than the SIMD kernel: equal to the last bits or so.
      js.body.risk.forEach((r: number, i: number) => expect(r).toBeCloseTo(expected[i], 12))

      const bin = await fetch(`${services.native.url}/score/batch`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from(Float64Array.from(batch.flat()).buffer) })
      expect(Array.from(new Float64Array(await bin.arrayBuffer()))).toEqual(expected)
      const charset = await fetch(`${services.native.url}/score/batch`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body })
      expect(await charset.json()).toEqual({ risk: expected })
    }
  })

  describe.each(Object.entries(layouts))('bad bodies, the bad row %s', (_layout, { at, body }) => {
    it.each([
      ['malformed JSON', body(row('1')).slice(0, -4), 'ERR_INVALID_ARG_VALUE', 'FST_ERR_CTP_INVALID_JSON_BODY', /must be valid JSON/],
      ['a token that is not JSON', body(row('tru')), 'ERR_INVALID_ARG_VALUE', 'FST_ERR_CTP_INVALID_JSON_BODY', /must be valid JSON/],
      ['a row of the wrong length', body('[1, 2]'), 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_VALUE', new RegExp(`"transactions\\[${at}\\]".*20 features. Received length 2`)],
      ['a row that is not an array', body('null'), 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE', new RegExp(`"transactions\\[${at}\\]"`)],
      ['a string feature', body(row('"x"')), 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE', new RegExp(`"transactions\\[${at}\\]\\[19\\]" argument must be of type number`)],
      ['a null feature', body(row('null')), 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE', new RegExp(`"transactions\\[${at}\\]\\[19\\]" argument must be of type number`)],
      ['a non-finite feature (1e400)', body(row('1e400')), 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_VALUE', new RegExp(`^transactions\\[${at}\\]\\[19\\] must be a finite number. Received Infinity$`)],
      ['a non-finite feature (-1e400)', body(row('-1e400')), 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_VALUE', /Received -Infinity$/],
      ['no "transactions" field', body(row('1')).replace('"transactions"', '"rows"'), 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_TYPE', /"transactions"/],
    ])('%s: a 400 with a code from both scorers', async (_name, text, nativeCode, jsCode, nativeMessage) => {
      const [native, js] = await Promise.all(kinds.map((kind) => post(kind, text)))
      expect({ status: native.status, code: native.body.error?.code }).toEqual({ status: 400, code: nativeCode })
      expect(native.body.error.message).toMatch(nativeMessage)
      expect({ status: js.status, code: js.body.error?.code }).toEqual({ status: 400, code: jsCode })
      expect(typeof js.body.error.message).toBe('string')
    })
  })

  it.each([
    ['an empty batch', '{"transactions": []}', 400, 'ERR_INVALID_ARG_VALUE'],
    ['an empty body', '', 400, 'FST_ERR_CTP_EMPTY_JSON_BODY'],
    ['a body that is not an object', '[[1, 2]]', 400, 'ERR_INVALID_ARG_TYPE'],
    // Fastify's prototype-poisoning checks, kept for the bytes parsed natively.
    ['a "__proto__" key', `{"__proto__": {"x": 1}, ${layouts.long.body(row('1')).slice(1)}`, 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['an escaped "__proto__" key', `{"\\u005f_proto__": {"x": 1}, ${layouts.long.body(row('1')).slice(1)}`, 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['a "constructor" holding "prototype"', `{"constructor": {"prototype": {}}, ${layouts.long.body(row('1')).slice(1)}`, 400, 'FST_ERR_CTP_INVALID_JSON_BODY'],
    ['a harmless "constructor" key', `{"constructor": 1, ${layouts.long.body(row('1')).slice(1)}`, 200, undefined],
  ])('%s: the same answer from both scorers', async (_name, text, status, code) => {
    const [native, js] = await Promise.all(kinds.map((kind) => post(kind, text)))
    expect(native.status).toBe(status)
    expect(js.status).toBe(status)
    if (code) {
      expect(native.body.error.code).toBe(code)
      expect(js.body.error.code).toBe(code)
    } else {
      expect(native.body.risk).toHaveLength(lead.length + 1)
      native.body.risk.forEach((r: number, i: number) => expect(r).toBeCloseTo(js.body.risk[i], 12))
    }
  })

  it('the other routes keep Fastify\'s JSON parser', async () => {
    const res = await post('native', '{"features": [1, 2', '/score')
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('FST_ERR_CTP_INVALID_JSON_BODY')
  })
})

describe('model file validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoring-model-'))
  it.each([
    ['missing', undefined],
    ['not JSON', '{ weights: '],
    ['no weights', JSON.stringify({ version: 1, threshold: 0.5, decisionThreshold: 0.5 })],
    ['non-number weight', JSON.stringify({ version: 1, weights: [1, 'x'], threshold: 0.5, decisionThreshold: 0.5 })],
    ['bad decisionThreshold', JSON.stringify({ version: 1, weights: [1, 2], threshold: 0.5, decisionThreshold: 2 })],
  ])('a bad model file (%s) stops the service with exit 1 and a message', async (name, content) => {
    const path = join(dir, `${name}.json`)
    if (content !== undefined) writeFileSync(path, content)
    const err = await startService({ MODEL: path }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/exited with 1/)
    expect((err as Error).message).toMatch(/model file/)
  })
})
