import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A real HTTP receiver for webhook tests, on 127.0.0.1 only: records every request, fails on demand. */

export interface Received {
  path: string
  headers: Record<string, string>
  body: string
  json: { type: string; timestamp: string; data: { id: string; typename: string; version: number; occurredAt: string } }
  /** When the request had arrived whole, and when it was answered (performance.now()). */
  arrivedAt: number
  answeredAt?: number
}

/** `holdMs`: how long each answer is held back (a slow receiver, so that attempts overlap). */
export async function startReceiver(options: { holdMs?: number } = {}) {
  const received: Received[] = []
  /** Per path: how many more requests to answer 500 before answering 204. */
  const failures = new Map<string, number>()
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = request.url ?? '/'
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]))
      const got: Received = { path, headers, body, json: JSON.parse(body), arrivedAt: performance.now() }
      received.push(got)
      const failing = failures.get(path) ?? 0
      if (failing > 0) failures.set(path, failing - 1)
      setTimeout(() => {
        got.answeredAt = performance.now()
        if (failing > 0) response.writeHead(500).end('not now')
        else response.writeHead(204).end()
      }, options.holdMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: (path: string) => `${base}${path}`,
    received,
    at: (path: string) => received.filter((request) => request.path === path),
    failNext: (path: string, count: number) => failures.set(path, count),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

