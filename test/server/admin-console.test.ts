import { createYoga } from 'graphql-yoga'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildConsole } from '../../src/bin/build-console.js'
import { getSchema } from '../../src/schema.js'
import { useAdminConsole } from '../../src/server/admin-console.js'
import { type TestServer, startTestServer } from '../setup/app.js'

/** The console's files at /admin over real HTTP: what is sent, how it is cached, what it may load. */

let server: TestServer

beforeAll(async () => {
  await buildConsole({ quiet: true })
  server = await startTestServer()
})
afterAll(() => server?.close())

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers, redirect: 'manual' })

describe('the admin console at /admin', () => {
  it('sends /admin to /admin/, whose page loads only its own hashed script and stylesheet', async () => {
    const moved = await get('/admin?x=1')
    expect(moved.status).toBe(308)
    expect(moved.headers.get('location')).toBe('/admin/?x=1')

    const page = await get('/admin/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'")
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    const html = await page.text()
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((url) => !url.startsWith('data:'))
    expect(assets).toHaveLength(2)
    for (const asset of assets) {
      expect(asset).toMatch(/^\.\/app-[A-Z0-9]+\.(js|css)$/)
      const response = await get(`/admin/${asset.slice(2)}`, { 'accept-encoding': 'br' })
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(response.headers.get('content-encoding')).toBe('br')
      const etag = response.headers.get('etag')!
      expect((await get(`/admin/${asset.slice(2)}`, { 'accept-encoding': 'br', 'if-none-match': etag })).status).toBe(304)
    }
    // Nothing from another origin: no CDN, works offline.
    expect(html).not.toMatch(/https?:\/\//)
  })

  it('is small: the script under 30 kB compressed', async () => {
    const html = await (await get('/admin/')).text()
    const script = html.match(/src="\.\/(app-[A-Z0-9]+\.js)"/)![1]!
    const response = await get(`/admin/${script}`, { 'accept-encoding': 'gzip' })
    expect(Number(response.headers.get('content-length'))).toBeLessThan(30 * 1024)
  })

  it('answers an unknown asset 404, a path of the app with its page, HEAD without a body, and leaves POSTs to GraphQL', async () => {
    expect((await get('/admin/nope.js')).status).toBe(404)
    expect((await get('/admin/members')).headers.get('content-type')).toMatch(/^text\/html/)
    const head = await fetch(`${server.url}/admin/`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
    expect((await server.graphql('{ __typename }')).body).toEqual({ data: { __typename: 'Query' } })
  })

  it('says how to build it when it is not built', async () => {
    const yoga = createYoga({ schema: getSchema(), plugins: [useAdminConsole({ dir: '/nonexistent/console' })], logging: false })
    const response = await yoga.fetch('http://localhost/admin/')
    expect(response.status).toBe(503)
    expect(await response.text()).toMatch(/npm run build/)
  })
})
