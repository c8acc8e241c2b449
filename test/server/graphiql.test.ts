import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chooseEncoding } from '../../src/server/graphiql-page.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { startInstance } from './server-helpers.js'

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server?.close())

/** GET with exact headers and the raw (still compressed) body: fetch would decompress it for us. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, any>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' }

/** Every script or stylesheet the page would load from the network. */
const remoteAssets = (html: string) =>
  [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?\/\/[^"'\s>]+/gi)].map((m) => m[0])

describe('GraphiQL', () => {
  it('serves the page offline: scripts, styles and workers inline, nothing from a CDN', async () => {
    const { status, headers, body } = await get(`${server.url}/graphql`, { ...BROWSER, 'accept-encoding': 'identity' })
    expect(status).toBe(200)
    expect(headers['content-type']).toMatch(/^text\/html/)
    expect(headers['content-encoding']).toBeUndefined()
    const html = body.toString('utf8')
    expect(html).toContain('<title>Gatehouse</title>')
    expect(html).toContain('renderYogaGraphiQL')
    expect(html.length).toBeGreaterThan(1_000_000)
    expect(remoteAssets(html)).toEqual([])
    expect(html).not.toMatch(/unpkg\.com|jsdelivr|cdnjs|esm\.sh|cdn\./i)
  })

  it('compresses it with brotli or gzip as the browser accepts, and lets a reload revalidate for free', async () => {
    const plain = await get(`${server.url}/graphql`, { ...BROWSER, 'accept-encoding': 'identity' })
    const br = await get(`${server.url}/graphql`, { ...BROWSER, 'accept-encoding': 'gzip, deflate, br' })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.body.length).toBeLessThan(plain.body.length / 3)
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true)

    const gzip = await get(`${server.url}/graphql`, { ...BROWSER, 'accept-encoding': 'gzip' })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true)
    expect(gzip.headers.vary).toMatch(/accept-encoding/i)

    const etag = br.headers.etag as string
    expect(etag).toMatch(/^".+"$/)
    expect(br.headers['cache-control']).toBe('no-cache')
    const reload = await get(`${server.url}/graphql`, { ...BROWSER, 'accept-encoding': 'gzip, br', 'if-none-match': etag })
    expect(reload.status).toBe(304)
    expect(reload.body.length).toBe(0)
  })

  it('leaves GraphQL requests alone: a POST still runs the operation', async () => {
    const { status, body } = await server.graphql('{ __typename }')
    expect(status).toBe(200)
    expect(body).toEqual({ data: { __typename: 'Query' } })
  })

  it('is off with GATEHOUSE_GRAPHIQL=0', async () => {
    const off = await startInstance(server, { GATEHOUSE_GRAPHIQL: false })
    try {
      const { status, headers, body } = await get(`${off.url}/graphql`, { ...BROWSER, 'accept-encoding': 'identity' })
      expect(status).toBe(404)
      expect(String(headers['content-type'])).not.toMatch(/text\/html/)
      expect(body.toString('utf8')).toMatch(/GraphiQL is turned off/)
      expect(body.toString('utf8')).not.toContain('renderYogaGraphiQL')
      // The endpoint itself still answers GraphQL.
      const post = await fetch(`${off.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      })
      expect(await post.json()).toEqual({ data: { __typename: 'Query' } })
    } finally {
      await off.close()
    }
  })

  it('chooses the encoding from Accept-Encoding, honouring q=0', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd')).toBe('br')
    expect(chooseEncoding('gzip;q=1.0, br;q=0')).toBe('gzip')
    expect(chooseEncoding('*')).toBe('br')
    expect(chooseEncoding('identity')).toBe('identity')
    expect(chooseEncoding(null)).toBe('identity')
  })
})
