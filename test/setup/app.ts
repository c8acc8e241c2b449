import type { AddressInfo } from 'node:net'
import { type RequestListener, type Server, createServer } from 'node:http'
import type { KyselyPlugin } from 'kysely'
import type { DatabaseHandle } from '../../src/db/database.js'
import pino, { type Logger } from 'pino'
import { type App, createApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createTestDatabase } from './database.js'

export interface TestServer {
  app: App
  /** Base URL of a real HTTP server on a free loopback port, e.g. http://127.0.0.1:40123 */
  url: string
  /**
   * POSTs a GraphQL operation over real HTTP, accepting application/graphql-response+json (the
   * GraphQL-over-HTTP media type, whose statuses say what happened); returns status, headers and body.
   */
  graphql(query: string, options?: { variables?: Record<string, unknown>; headers?: Record<string, string> }): Promise<{
    status: number
    headers: Headers
    body: { data?: any; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> }
  }>
  close(): Promise<void>
}

/**
 * Starts Gatehouse on a fresh test database (in-memory PGlite, or a new PostgreSQL database when
 * DATABASE_URL is set) and a real HTTP listener. `env` overrides configuration variables;
 * `options.log` captures the server's log, `options.plugins` see every SQL statement it sends;
 * `options.database` is a migrated database to use instead (closed with the server).
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: { log?: Logger; plugins?: KyselyPlugin[]; database?: DatabaseHandle } = {},
): Promise<TestServer> {
  const created = options.database ?? (await createTestDatabase())
  const database = { ...created, db: (options.plugins ?? []).reduce((db, plugin) => db.withPlugin(plugin), created.db) }
  const config = loadConfig({
    NODE_ENV: 'test',
    GATEHOUSE_DEMO_DATA: '0',
    BOOTSTRAP_ADMIN_EMAIL: 'admin@test.local',
    BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery staple',
    GATEHOUSE_KEY_PEPPER: 'test-pepper-0123456789abcdef',
    ...env,
  })
  const app = await createApp(config, { database, log: options.log ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) })
  const { server, url } = await listenOnLoopback(app.handle)
  return {
    app,
    url,
    async graphql(query, options = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...options.headers },
        body: JSON.stringify({ query, variables: options.variables }),
      })
      const text = await response.text()
      let body
      try {
        body = JSON.parse(text)
      } catch {
        body = { errors: [{ message: text }] }
      }
      return { status: response.status, headers: response.headers, body }
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await app.close()
      await database.close()
    },
  }
}

/**
 * An HTTP server for `handle` on a free loopback port, as every test server listens. The test
 * process is the client too (fetch keeps sockets for a second less than the server's keep-alive
 * hint), and an embedded query can hold its one thread longer than that margin on a loaded
 * machine: a socket the server closes as the client reuses it is ECONNRESET (seen once in a loaded
 * run). So idle sockets are kept 60 s; tests close their connections when they stop.
 */
export async function listenOnLoopback(handle: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handle)
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}
