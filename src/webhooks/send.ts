import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { type Address, type Resolver, type TargetRules, resolveTarget, urlProblem } from './targets.js'

/**
 * One delivery attempt: a POST to the endpoint's URL, connected to an address checked just now
 * (targets.ts), within a deadline, redirects not followed (a 3xx is a failure like any non-2xx),
 * and at most RESPONSE_BODY_LIMIT bytes of the answer read before the socket is let go. A
 * connection to that address whose answer was read to its end is kept for the next attempt
 * (keep-alive), sparing a TCP and TLS handshake per delivery.
 */

export const RESPONSE_BODY_LIMIT = 4_096

class LookupTimeout extends Error {}

export interface AttemptResult {
  ok: boolean
  status: number | null
  latencyMs: number
  /** Why it failed, in words safe to show an admin (no secret, no headers). */
  error: string | null
}

export async function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; rules: TargetRules; resolve?: Resolver },
): Promise<AttemptResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  // Checked again at send time: an endpoint saved before the server ran in production (plain
  // http) is not sent to once it does.
  const problem = urlProblem(target, options.rules)
  if (problem) return { ok: false, status: null, latencyMs: elapsed(), error: `refused target: ${problem}` }
  const url = new URL(target)
  // The deadline covers the name's lookup too: the claim's lease counts on an attempt ending
  // within it (deliveries.repository.ts).
  let addresses: Address[]
  let lookupTimer: NodeJS.Timeout | undefined
  try {
    const outOfTime = new Promise<never>((_, reject) => {
      lookupTimer = setTimeout(() => reject(new LookupTimeout()), options.timeoutMs)
    })
    addresses = await Promise.race([resolveTarget(url, options.rules, options.resolve), outOfTime])
  } catch (error) {
    const message = error instanceof LookupTimeout ? `no address for the host within ${options.timeoutMs} ms` : `refused target: ${(error as Error).message}`
    return { ok: false, status: null, latencyMs: elapsed(), error: message }
  } finally {
    clearTimeout(lookupTimer)
  }
  const agent = agentFor(url, addresses[0]!)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<AttemptResult>((resolve) => {
    let settled = false
    const finish = (result: Omit<AttemptResult, 'latencyMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      resolve({ ...result, latencyMs: elapsed() })
    }
    const outgoing = send(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent,
    })
    const deadline = setTimeout(() => {
      finish({ ok: false, status: null, error: `no complete answer within ${options.timeoutMs} ms` })
      outgoing.destroy()
    }, Math.max(options.timeoutMs - (performance.now() - started), 0))
    outgoing.on('error', (error) => finish({ ok: false, status: null, error: `connection failed: ${(error as NodeJS.ErrnoException).code ?? error.message}` }))
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0
      let read = 0
      const done = () => {
        const ok = status >= 200 && status < 300
        finish({ ok, status, error: ok ? null : `answered HTTP ${status}` })
      }
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read < RESPONSE_BODY_LIMIT) return
        done()
        // The rest is not read: the connection goes, instead of back to the pool.
        response.destroy()
      })
      // Read to its end: the connection is free for the next delivery to this receiver.
      response.on('end', done)
      response.on('error', done)
    })
    outgoing.end(body)
  })
}

/** Connections to one receiver at one address at most: the delivery loop keeps as many attempts in flight per endpoint. */
export const CONNECTIONS_PER_RECEIVER = 8
/** Idle connections to a receiver are kept this long for its next delivery. */
const IDLE_MS = 15_000
/** Agents kept at once (the least recently used goes first, with its connections). */
const MAX_AGENTS = 200
const agents = new Map<string, HttpAgent>()

/**
 * The connection pool for one receiver origin at one checked address. Keyed by the address too,
 * so a connection is reused only to the very address this attempt checked: when the name resolves
 * elsewhere later, that attempt gets a pool (and connections) of its own.
 */
function agentFor(url: URL, pinned: Address): HttpAgent {
  const key = `${url.protocol}//${url.host}@${pinned.address}`
  const found = agents.get(key)
  if (found) {
    agents.delete(key)
    agents.set(key, found)
    return found
  }
  // A new connection goes to the address checked, whatever the name resolves to a moment later.
  const lookup: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: Address[]) => void)(null, [pinned])
    else callback(null, pinned.address, pinned.family)
  }
  const options = { keepAlive: true, timeout: IDLE_MS, maxSockets: CONNECTIONS_PER_RECEIVER, lookup }
  const agent = url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options)
  agents.set(key, agent)
  if (agents.size > MAX_AGENTS) {
    const [oldest, stale] = agents.entries().next().value as [string, HttpAgent]
    agents.delete(oldest)
    // Only its idle connections: a delivery still using one finishes.
    for (const sockets of Object.values(stale.freeSockets)) for (const socket of sockets ?? []) socket.destroy()
  }
  return agent
}
