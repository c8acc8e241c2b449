import { createRequire } from 'node:module'
import { defineConfig } from 'vitest/config'

const require = createRequire(import.meta.url)

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for everyone (ESM and CJS importers alike); vite would
    // hand ESM importers the .mjs build instead, and two graphql instances refuse each other's
    // schemas. Resolve as Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: more workers only queue. Each test file gets its own database (test/setup).
    maxWorkers: 2,
    testTimeout: 30_000,
    // Every read served from the compiled-statement cache is compiled afresh too and must match
    // (src/records/read/statement-cache.ts): the whole suite checks the cache's shape keys.
    env: { GATEHOUSE_READ_CACHE_CHECK: '1' },
    hookTimeout: 60_000,
    // kysely's FileMigrationProvider imports .ts migrations; it must run through vite to do so.
    server: { deps: { inline: ['kysely'] } },
  },
})
