import { randomInt } from 'node:crypto'
import { type IncomingHttpHeaders, request } from 'node:http'
import { Writable } from 'node:stream'
import pino, { type Logger } from 'pino'
import type { Config } from '../../src/config.js'
import { type GatehouseYoga, createGatehouseServer } from '../../src/yoga.js'
import { type TestServer, listenOnLoopback } from '../setup/app.js'

/** A pino logger whose lines land in `lines` (parsed), for tests that read the log. */
export function captureLog(level = 'debug'): { log: Logger; lines: Array<Record<string, any>>; text: () => string } {
  const raw: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk))
      done()
    },
  })
  const lines: Array<Record<string, any>> = []
  const log = pino({ level }, stream)
  return {
    log,
    get lines() {
      lines.length = 0
      for (const chunk of raw) for (const line of chunk.split('\n')) if (line) lines.push(JSON.parse(line))
      return lines
    },
    text: () => raw.join(''),
  }
}

/**
 * A second server instance over the same services (database, authenticator, log) with some
 * configuration changed: what another process of the same deployment would be.
 */
export async function startInstance(
  server: TestServer,
  overrides: Partial<Config>,
  options: { log?: Logger } = {},
): Promise<{ yoga: GatehouseYoga; url: string; close(): Promise<void> }> {
  const services = server.app.services
  const { yoga, handle } = createGatehouseServer({
    ...services,
    config: { ...services.config, ...overrides },
    log: options.log ?? services.log,
  })
  const { server: http, url } = await listenOnLoopback(handle)
  return {
    yoga,
    url,
    async close() {
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
      await yoga.dispose()
    },
  }
}

/** A loopback address of its own (127.x.y.z), so a test's per-address counters are its alone. */
export const randomLoopbackAddress = () => `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`

/** POSTs a GraphQL operation over HTTP from a chosen local address (fetch cannot choose one). */
export function postFrom(
  url: string,
  localAddress: string,
  query: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: any }> {
  const body = JSON.stringify({ query })
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/graphql`,
      {
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}
