import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores: more workers only queue. Each test file gets its own database (test/setup).
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // kysely's FileMigrationProvider imports .ts migrations; it must run through vite to do so.
    server: { deps: { inline: ['kysely'] } },
  },
})
