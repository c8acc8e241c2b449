import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import type { Plugin } from 'graphql-yoga'
import { chooseEncoding } from './graphiql-page.js'

/**
 * Serves the admin console (built by src/bin/build-console.ts into dist/console) at /admin: GET and
 * HEAD only, same origin as /graphql. The files are read once into memory (again when index.html
 * changes: a rebuild), compressed once per encoding, and sent with an ETag; the hashed script and
 * stylesheet are cached for good, index.html revalidates on every load. A strict Content Security
 * Policy: the page's own script and styles, and requests to its own origin, nothing else.
 */
export function useAdminConsole(options: { dir: string; prefix?: string }): Plugin {
  const prefix = options.prefix ?? '/admin'
  let loaded: { stamp: number; files: Map<string, Asset> } | null = null
  const files = () => {
    try {
      const stamp = statSync(join(options.dir, 'index.html')).mtimeMs
      if (loaded?.stamp !== stamp) loaded = { stamp, files: loadAssets(options.dir) }
    } catch {
      // Not built, or a new build being swapped in this very moment: serve what was read before.
    }
    return loaded?.files ?? null
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return
      if (request.method !== 'GET' && request.method !== 'HEAD') return
      const respond = (body: BodyInit | null, status: number, headers: Record<string, string>) =>
        endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, { status, headers: { ...SECURITY_HEADERS, ...headers } }))
      // The page loads its assets relative to the folder: /admin → /admin/.
      if (url.pathname === prefix) return respond(null, 308, { location: `${prefix}/${url.search}` })
      const assets = files()
      if (!assets) {
        return respond('The admin console is not built: run `npm run build` (`npm start` builds it first).\n', 503, TEXT)
      }
      const name = url.pathname.slice(prefix.length + 1) || 'index.html'
      // Paths without an extension are the app's own (it routes by hash, but be forgiving).
      const asset = assets.get(name) ?? (extname(name) === '' ? assets.get('index.html') : undefined)
      if (!asset) return respond('Not found.\n', 404, TEXT)
      const encoding = chooseEncoding(request.headers.get('accept-encoding'))
      const tag = `"${asset.etag}${encoding === 'identity' ? '' : `-${encoding}`}"`
      const headers: Record<string, string> = { 'cache-control': asset.cacheControl, etag: tag, vary: 'Accept-Encoding' }
      if (request.headers.get('if-none-match')?.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag)) {
        return respond(null, 304, headers)
      }
      const bytes = asset.bodies[encoding]
      if (encoding !== 'identity') headers['content-encoding'] = encoding
      return respond(bytes, 200, { ...headers, 'content-type': asset.type, 'content-length': String(bytes.length) })
    },
  }
}

interface Asset {
  type: string
  etag: string
  cacheControl: string
  bodies: Record<'identity' | 'br' | 'gzip', Uint8Array<ArrayBuffer>>
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
}
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>()
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)]
    if (!type) continue
    const bytes = readFileSync(join(dir, name))
    const copy = (buffer: Buffer) => new Uint8Array(buffer)
    assets.set(name, {
      type,
      etag: createHash('sha256').update(bytes).digest('base64url').slice(0, 27),
      // Every name but index.html carries its content's hash (esbuild's [hash]).
      cacheControl: name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      bodies: { identity: copy(bytes), br: copy(brotliCompressSync(bytes)), gzip: copy(gzipSync(bytes)) },
    })
  }
  return assets
}

/** dist/console under the package's root, whether this runs from src/ (tsx, tests) or dist/src/ (npm start). */
export function builtConsoleDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return join(dir, 'dist', 'console')
}
