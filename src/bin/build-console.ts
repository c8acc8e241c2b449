/**
 * Builds the admin console (console/src, Preact + TypeScript) into dist/console with esbuild: one
 * hashed script, one hashed stylesheet and an index.html, served by Gatehouse at /admin
 * (src/server/admin-console.ts). Skipped when its inputs are unchanged since the last build (a hash
 * of the sources and of the versions of esbuild and preact), so `npm start` pays ~nothing for it.
 * The new build is written beside the old one and swapped in, so a server or a parallel test never
 * reads half a build.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, version as esbuildVersion } from 'esbuild'

/** The package's root, whether this runs from src/bin (tsx) or dist/src/bin. */
const ROOT = (() => {
  let dir = fileURLToPath(new URL('.', import.meta.url))
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
})()
export const CONSOLE_OUT = join(ROOT, 'dist', 'console')
const SOURCE = join(ROOT, 'console')
const STAMP = '.inputs'

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
}

/** A hash of everything the bundle is made of. */
function inputsHash(): string {
  const hash = createHash('sha256')
  const preact = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'preact', 'package.json'), 'utf8')) as { version: string }
  hash.update(`esbuild ${esbuildVersion} preact ${preact.version}\n`)
  hash.update(readFileSync(fileURLToPath(import.meta.url)))
  for (const file of files(SOURCE)) hash.update(file.slice(SOURCE.length)).update(readFileSync(file))
  return hash.digest('hex')
}

const page = (script: string, style: string | undefined) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Gatehouse admin</title>
${style ? `<link rel="stylesheet" href="./${style}">\n` : ''}<script type="module" src="./${script}"></script>
</head>
<body>
<div id="app"><noscript>The Gatehouse admin console needs JavaScript.</noscript></div>
</body>
</html>
`

/** Builds the console unless an identical build is already in place; returns what it did. */
export async function buildConsole(options: { force?: boolean; quiet?: boolean } = {}): Promise<'built' | 'unchanged'> {
  const inputs = inputsHash()
  if (!options.force && builtFrom() === inputs) return 'unchanged'
  const started = Date.now()
  const staging = `${CONSOLE_OUT}.${process.pid}-${randomBytes(4).toString('hex')}`
  mkdirSync(staging, { recursive: true })
  try {
    const result = await build({
      entryPoints: [join(SOURCE, 'src', 'main.tsx')],
      tsconfig: join(SOURCE, 'tsconfig.json'),
      bundle: true,
      minify: true,
      format: 'esm',
      target: ['chrome109', 'firefox115', 'safari16'],
      jsx: 'automatic',
      jsxImportSource: 'preact',
      define: { 'process.env.NODE_ENV': '"production"' },
      entryNames: 'app-[hash]',
      outdir: staging,
      legalComments: 'none',
      metafile: true,
      logLevel: 'warning',
    })
    const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path))
    const script = outputs.find((name) => name.endsWith('.js'))
    const style = outputs.find((name) => name.endsWith('.css'))
    if (!script) throw new Error('The console build wrote no script.')
    writeFileSync(join(staging, 'index.html'), page(script, style))
    writeFileSync(join(staging, STAMP), inputs)
    swapIn(staging)
    if (!options.quiet) {
      const bytes = readFileSync(join(CONSOLE_OUT, script))
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`
      console.log(`Admin console built in ${Date.now() - started} ms: ${script} ${kb(bytes.length)} (${kb(gzipSync(bytes).length)} gzipped).`)
    }
    return 'built'
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

/** The inputs hash of the build in place; null when there is none (or it is being swapped). */
function builtFrom(): string | null {
  try {
    return readFileSync(join(CONSOLE_OUT, STAMP), 'utf8')
  } catch {
    return null
  }
}

/** Replaces dist/console by the staged build (another process may be swapping one in too). */
function swapIn(staging: string) {
  const old = `${staging}.old`
  try {
    if (existsSync(CONSOLE_OUT)) renameSync(CONSOLE_OUT, old)
  } catch {
    // Moved away by a parallel build already.
  }
  try {
    renameSync(staging, CONSOLE_OUT)
  } catch (error) {
    // A parallel build of the same inputs won the race: its output is as good as this one.
    if (!existsSync(join(CONSOLE_OUT, 'index.html'))) throw error
  }
  rmSync(old, { recursive: true, force: true })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildConsole({ force: process.argv.includes('--force') })
}
