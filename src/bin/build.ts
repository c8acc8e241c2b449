/**
 * Builds what `npm start` serves (`npm run build`, and `prestart`): an incremental `tsc` of src/
 * and migrations/ into dist/, then removes compiled files whose source is gone. tsc never deletes
 * its old outputs, and a stale file in dist/migrations would still be applied at start; a stale
 * module could still be imported. An unchanged tree builds in a few seconds (tsc's build info).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dist = join(root, 'dist')
/** The compiled folders and the source folders they come from (tsconfig.build.json: rootDir "."). */
const COMPILED = ['src', 'migrations']
/** What tsc writes for one source file. */
const OUTPUT = /\.(js|js\.map|d\.ts|d\.ts\.map)$/

function compile() {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--incremental', '--tsBuildInfoFile', join(dist, '.tsbuildinfo')], {
    stdio: 'inherit',
  })
}

/** Compiled files in dist/<folder> whose .ts source no longer exists. */
function orphans(folder: string): string[] {
  const found: string[] = []
  const walk = (dir: string) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (OUTPUT.test(entry.name)) {
        const source = join(root, relative(dist, path)).replace(OUTPUT, '.ts')
        if (!existsSync(source)) found.push(path)
      }
    }
  }
  walk(join(dist, folder))
  return found
}

compile()
const stale = COMPILED.flatMap(orphans)
for (const file of stale) rmSync(file)
// The build info still lists them; the next build rewrites it.
if (stale.length > 0) console.log(`Removed ${stale.length} compiled file(s) whose source is gone.`)

// The admin console (console/ → dist/console), served at /admin; skipped when nothing changed.
const { buildConsole } = await import('./build-console.js')
if ((await buildConsole()) === 'unchanged') console.log('Admin console unchanged.')
