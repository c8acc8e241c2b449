import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The console's source talks to Gatehouse only through generated typed documents: operations are
 * written once, as `graphql(...)` in console/src/operations/ (which codegen turns into
 * TypedDocumentNodes in console/src/gql/), and only client.ts sends them.
 */
const SRC = fileURLToPath(new URL('../../console/src/', import.meta.url))
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
const source = files(SRC)
  .filter((file) => /\.tsx?$/.test(file) && !relative(SRC, file).startsWith('gql'))
  .map((file) => ({ file: relative(SRC, file), text: readFileSync(file, 'utf8') }))

describe('the console source', () => {
  it('writes GraphQL operations only in operations/, through the generated graphql() function', () => {
    const operations = source.filter(({ file }) => file.startsWith('operations'))
    expect(operations.length).toBeGreaterThan(3)
    for (const { file, text } of operations) {
      expect(text, file).toMatch(/^import \{ graphql \} from '\.\.\/gql\/index\.js'$/m)
      // Every operation is named (the generated document and its types take the name).
      const bodies = [...text.matchAll(/graphql\(`\s*(\w+)\s+(\w+)/g)]
      expect(bodies.length, file).toBeGreaterThan(0)
      for (const [, kind, name] of bodies) {
        expect(['query', 'mutation'], `${file}: ${name}`).toContain(kind)
        expect(name, file).toMatch(/^Console[A-Z]/)
      }
    }
    const elsewhere = source.filter(({ file, text }) => !file.startsWith('operations') && /graphql\(`|\b(query|mutation)\s+\w*\s*[({]/.test(text))
    expect(elsewhere.map(({ file }) => file)).toEqual([])
  })

  it('sends requests only from client.ts, and only typed documents', () => {
    expect(source.filter(({ text }) => /\bfetch\(|XMLHttpRequest/.test(text)).map(({ file }) => file)).toEqual(['client.ts'])
    const client = source.find(({ file }) => file === 'client.ts')!.text
    expect(client).toMatch(/document: TypedDocumentNode<Result, Variables>/)
    // Every document a screen sends is imported from operations/.
    for (const { file, text } of source.filter(({ file }) => file.startsWith('screens') || file === 'app.tsx')) {
      for (const [, document] of text.matchAll(/request\((\w+),/g)) {
        expect(text, `${file} sends ${document}`).toMatch(new RegExp(`import \\{[^}]*\\b${document}\\b[^}]*\\} from '(\\.\\.|\\.)/operations/`))
      }
    }
  })
})
