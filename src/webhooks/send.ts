import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { type Address, type Resolver, type TargetRules, resolveTarget, urlProblem } from './targets.js'

/**
 * One delivery attempt: a POST to the endpoint's URL, connected to an address checked just now
 * (targets.ts), within a deadline, redirects not followed (a 3xx is a failure like any non-2xx),
 * and at most RESPONSE_BODY_LIMIT bytes of the answer read before the socket is let go.
 */

export const RESPONSE_BODY_LIMIT = 4_096

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
  let addresses: Address[]
  try {
    addresses = await resolveTarget(url, options.rules, options.resolve)
  } catch (error) {
    return { ok: false, status: null, latencyMs: elapsed(), error: `refused target: ${(error as Error).message}` }
  }
  const pinned = addresses[0]!
  // The connection goes to the address checked above, whatever the name resolves to a moment later.
  const lookup: LookupFunction = (_host, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: typeof addresses) => void)(null, [pinned])
    else callback(null, pinned.address, pinned.family)
  }
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
      lookup,
      agent: false,
    })
    const deadline = setTimeout(() => {
      finish({ ok: false, status: null, error: `no complete answer within ${options.timeoutMs} ms` })
      outgoing.destroy()
    }, options.timeoutMs)
    outgoing.on('error', (error) => finish({ ok: false, status: null, error: `connection failed: ${(error as NodeJS.ErrnoException).code ?? error.message}` }))
    outgoing.on('response', (response) => {
      const status = response.statusCode ?? 0
      let read = 0
      const done = () => {
        const ok = status >= 200 && status < 300
        finish({ ok, status, error: ok ? null : `answered HTTP ${status}` })
        response.destroy()
      }
      response.on('data', (chunk: Buffer) => {
        read += chunk.length
        if (read >= RESPONSE_BODY_LIMIT) done()
      })
      response.on('end', done)
      response.on('error', done)
    })
    outgoing.end(body)
  })
}
