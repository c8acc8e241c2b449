/**
 * Prints the schema to schema/schema.graphql (`npm run schema:print`), or with --check fails when
 * the committed file differs from the code (`npm run schema:check`, run by CI).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { printSchema } from 'graphql'
import { sortedSchema } from '../schema.js'

const target = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url))
const printed = `${printSchema(sortedSchema())}\n`

if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(target, 'utf8')
  } catch {}
  if (committed !== printed) {
    console.error('schema/schema.graphql is out of date with the code: run `npm run schema:print` and commit it.')
    process.exit(1)
  }
  console.log('schema/schema.graphql matches the code.')
} else {
  writeFileSync(target, printed)
  console.log(`wrote ${target}`)
}
