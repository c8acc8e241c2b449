import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The floor plan of src/, checked on every run so it stays true. Each top-level folder is a room
 * and may import only the rooms below it; every import counts (static, type-only, re-export,
 * dynamic). From the top: bin, then the entry files (main, app, yoga, schema, modules), server and
 * admin, orders, crm, records (the domain-free engine), graphql, access, db. The shared root files
 * (config, logger, context) may be imported from anywhere and import only what is below them.
 */

const SRC = fileURLToPath(new URL('../src', import.meta.url))

/** What each room may import. A room not listed here fails the test: place it on purpose. */
const ALLOWED: Record<string, readonly string[]> = {
  db: [],
  access: ['db', 'config.ts'],
  graphql: ['db', 'access', 'config.ts', 'context.ts'],
  records: ['db', 'access', 'graphql', 'config.ts', 'context.ts'],
  crm: ['db', 'access', 'graphql', 'records', 'config.ts', 'context.ts'],
  orders: ['db', 'access', 'graphql', 'records', 'crm', 'config.ts', 'context.ts'],
  // The demo-data generator prices its orders with the one money module (records/money.ts).
  seed: ['db', 'access', 'records'],
  admin: ['db', 'access', 'graphql', 'records', 'seed', 'config.ts', 'context.ts', 'logger.ts'],
  server: ['db', 'access', 'graphql', 'records', 'config.ts', 'context.ts'],
  // Webhook endpoints are admin work (members, audit, pages); the outbox itself is in records/write.
  webhooks: ['db', 'access', 'graphql', 'records', 'admin', 'config.ts', 'context.ts', 'logger.ts'],
  // Bulk exports run read queries through the schema the entry files hand them, as any principal.
  exports: ['db', 'access', 'graphql', 'records', 'config.ts', 'context.ts', 'logger.ts'],
  'config.ts': [],
  'logger.ts': [],
  'context.ts': ['db', 'access', 'config.ts'],
}
/** The entry and composition files: they may import any room; no room may import them. */
const ENTRY = new Set(['main.ts', 'app.ts', 'yoga.ts', 'schema.ts', 'modules.ts'])

interface Import {
  from: string
  to: string
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

/** Every relative import of every file in src/, resolved to a path relative to src/. */
function imports(): Import[] {
  return sourceFiles(SRC).flatMap((file) => {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
    return importedFiles
      .filter(({ fileName }) => fileName.startsWith('.'))
      .map(({ fileName }) => ({
        from: relative(SRC, file),
        to: relative(SRC, resolve(dirname(file), fileName.replace(/\.js$/, '.ts'))),
      }))
  })
}

/** The room of a path relative to src/: its top-level folder, or the root file itself. */
const room = (path: string) => path.split(sep)[0]!

describe('the floor plan of src/', () => {
  const all = imports()

  it('finds the imports it checks (type-only and dynamic ones included)', () => {
    expect(all.length).toBeGreaterThan(300)
    expect(all.some(({ from, to }) => from === 'yoga.ts' && to.startsWith('server'))).toBe(true)
    // A dynamic import the server makes on the first GraphiQL visit is seen too.
    expect(ts.preProcessFile("const x = await import('./a.js')", true, true).importedFiles.map((f) => f.fileName)).toEqual(['./a.js'])
  })

  it('every room imports only the rooms below it', () => {
    const violations = new Set<string>()
    for (const { from, to } of all) {
      const [a, b] = [room(from), room(to)]
      if (a === b || a === 'bin' || ENTRY.has(a)) continue
      if (ENTRY.has(b)) violations.add(`${from} imports the entry file ${to}`)
      else if (!ALLOWED[a]) violations.add(`${a} is not placed on the floor plan (test/architecture.test.ts)`)
      else if (!ALLOWED[a].includes(b)) violations.add(`${from} imports ${to}: ${a} may not import ${b}`)
    }
    expect([...violations]).toEqual([])
  })

  it('no circle between rooms', () => {
    const edges = new Map<string, Set<string>>()
    for (const { from, to } of all) {
      const [a, b] = [room(from), room(to)]
      if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b))
    }
    const circles: string[] = []
    const visit = (node: string, path: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (path.includes(next)) circles.push([...path.slice(path.indexOf(next)), next].join(' → '))
        else visit(next, [...path, next])
      }
    }
    for (const start of edges.keys()) visit(start, [start])
    expect(circles).toEqual([])
  })

  it('crm stands without orders; the engine and the floors below it import no domain and no admin', () => {
    const domains = new Set(['crm', 'orders', 'admin'])
    const offending = all.filter(({ from, to }) => {
      const [a, b] = [room(from), room(to)]
      return (a === 'crm' && b === 'orders') || (['db', 'graphql', 'records', 'access', 'server'].includes(a) && domains.has(b))
    })
    expect(offending).toEqual([])
  })

  it('the permission catalogue imports nothing from src', () => {
    expect(all.filter(({ from }) => from === join('access', 'permissions.ts'))).toEqual([])
  })

  it('no src file passes 300 lines', () => {
    const long = sourceFiles(SRC)
      .map((file) => ({ file: relative(SRC, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 300)
    expect(long).toEqual([])
  })
})
