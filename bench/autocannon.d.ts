/** The part of autocannon's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  interface Options {
    url: string
    connections?: number
    duration?: number
    method?: 'GET' | 'POST'
    headers?: Record<string, string>
    body?: string
    pipelining?: number
    timeout?: number
    /** Each response body failing it counts as a mismatch. */
    verifyBody?: (body: string) => boolean
  }

  interface Result {
    duration: number
    requests: { total: number; average: number }
    throughput: { total: number }
    latency: { p50: number; p97_5: number; p99: number }
    errors: number
    timeouts: number
    non2xx: number
    mismatches: number
    resets: number
  }

  interface Instance extends EventEmitter {
    stop(): void
    on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): this
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance
  export default autocannon
}
