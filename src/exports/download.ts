import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createGzip } from 'node:zlib'
import type { GraphQLError } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Kysely } from 'kysely'
import type { Principal } from '../access/principal.js'
import type { Database } from '../db/types.js'
import { notFound, unauthenticated } from '../graphql/errors.js'
import { EXPORT_PATH, downloadable } from './exports.graphql.js'
import { findByToken } from './exports.repository.js'
import { exportFile } from './export-files.js'

/**
 * Serves finished exports at /exports/<token>.jsonl (GET and HEAD). The token makes the URL
 * unguessable, and the request must carry a credential of the principal that started the export:
 * a URL that leaks (a log, a proxy, a support ticket) opens nothing by itself. Any instance serves
 * any export from the shared export folder. One byte range (`Range: bytes=a-b`, resuming a broken
 * download) is answered 206 from the file as written; a whole file is gzipped on the fly when the
 * client accepts it, streamed, never read into memory.
 */
export function useExportDownloads(options: {
  dir: string
  db: Kysely<Database>
  /** The caller of a request (null without a credential); throws the refusal of a bad one. */
  principalOf: (request: Request) => Promise<Principal | null>
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(EXPORT_PATH)) return
      const respond = (body: BodyInit | null, status: number, headers: Record<string, string>) =>
        endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status, headers: { 'cache-control': 'private, no-store', ...headers } }))
      const refuse = (error: GraphQLError) => {
        const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Record<string, string> } }
        return respond(JSON.stringify({ errors: [{ message: error.message, extensions }] }), http?.status ?? 404, {
          'content-type': 'application/json',
          ...http?.headers,
        })
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') return respond(null, 405, { allow: 'GET, HEAD' })
      let principal: Principal | null
      try {
        principal = await options.principalOf(request)
      } catch (error) {
        if ((error as GraphQLError).extensions?.code) return refuse(error as GraphQLError)
        throw error
      }
      if (!principal) return refuse(unauthenticated())
      const token = /^([A-Za-z0-9_-]{32})\.jsonl$/.exec(url.pathname.slice(EXPORT_PATH.length))?.[1]
      const row = token ? await findByToken(options.db, principal, token) : undefined
      // Another principal's export, an expired one and one that never existed look alike.
      if (!row || !downloadable(row)) return refuse(notFound('BulkExport'))
      const path = exportFile(options.dir, row.file_token)
      const size = await stat(path).then((file) => file.size, () => null)
      if (size === null) return refuse(notFound('BulkExport'))
      const headers: Record<string, string> = {
        'content-type': 'application/jsonl; charset=utf-8',
        'content-disposition': `attachment; filename="bulk-export-${row.id}.jsonl"`,
        'accept-ranges': 'bytes',
        etag: `"${row.file_token.slice(0, 16)}-${size}"`,
        vary: 'Accept-Encoding',
      }
      const range = request.headers.get('range')
      if (range) {
        const wanted = byteRange(range, size)
        if (wanted === 'unsatisfiable') return respond(null, 416, { ...headers, 'content-range': `bytes */${size}` })
        if (wanted) {
          const [start, end] = wanted
          return respond(body(createReadStream(path, { start, end })), 206, {
            ...headers,
            'content-range': `bytes ${start}-${end}/${size}`,
            'content-length': String(end - start + 1),
          })
        }
      }
      if (/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')) {
        return respond(body(createReadStream(path).pipe(createGzip())), 200, { ...headers, 'content-encoding': 'gzip' })
      }
      return respond(body(createReadStream(path)), 200, { ...headers, 'content-length': String(size) })
    },
  }
}

const body = (stream: Readable) => Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>

/**
 * One byte range of a file of `size` bytes (RFC 9110): [start, end] inclusive, `unsatisfiable`,
 * or null when the header asks for several ranges or is not understood (then the whole file is sent).
 */
export function byteRange(header: string, size: number): [number, number] | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0) return 'unsatisfiable'
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || start > end) return 'unsatisfiable'
  return [start, end]
}
