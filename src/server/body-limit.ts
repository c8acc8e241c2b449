import type { FetchAPI, Plugin } from 'graphql-yoga'
import { badRequest, bodyTooLarge } from '../graphql/errors.js'

/** The only form of Content-Length accepted: one non-negative integer (a list of them is a smuggling attempt). */
const CONTENT_LENGTH = /^\d+$/

/**
 * Refuses a body over `maxBytes` (413 BAD_REQUEST) without copying every body through a counting
 * stream. A request that declares its length is judged by the header alone: Node's HTTP parser
 * reads exactly that many bytes as its body, never more. Only a chunked body, whose length nobody
 * declared, is counted as it streams. (yoga's own limit, turned off in yoga.ts, pipes every body
 * through a TransformStream: several per cent of a small request's time.)
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length')
      if (declared !== null) {
        if (!CONTENT_LENGTH.test(declared)) throw badRequest('Content-Length header is invalid.')
        if (Number(declared) > maxBytes) throw bodyTooLarge(maxBytes)
        return
      }
      if (!requestParser || !request.body) return
      const parse = requestParser
      setRequestParser((incoming) => parse(counted(incoming, maxBytes, fetchAPI)))
    },
  }
}

/** The same request, its body failing with bodyTooLarge once more than `maxBytes` have streamed. */
function counted(request: Request, maxBytes: number, fetchAPI: FetchAPI): Request {
  let read = 0
  // The stream class must match the body's: a native body cannot pipe through whatwg-node's ponyfill.
  const Transform = request.body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength
        if (read > maxBytes) controller.error(bodyTooLarge(maxBytes))
        else controller.enqueue(chunk)
      },
    }),
  )
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit)
}
