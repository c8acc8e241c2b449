/** What a bench run records about itself: versions, commit, machine. */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { BenchResults } from './report.js'

/** The versions of what Gatehouse's figures depend on, from node_modules. */
export function gatehouseVersions(root: string): Record<string, string> {
  const version = (name: string) => {
    const file = join(root, 'node_modules', name, 'package.json')
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : 'unknown'
  }
  return Object.fromEntries(['graphql-yoga', 'graphql', 'graphql-jit', '@pothos/core', 'kysely', 'pg', 'autocannon'].map((name) => [name, version(name)]))
}

export function gitCommit(root: string): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).trim()
    return dirty ? `${hash} + uncommitted changes` : hash
  } catch {
    return 'unknown'
  }
}

export async function machine(postgresUrl: string): Promise<BenchResults['machine']> {
  const client = new pg.Client({ connectionString: `${postgresUrl}/postgres` })
  await client.connect()
  const postgres = (await client.query<{ v: string }>("select split_part(version(), ' on ', 1) as v")).rows[0]!.v
  await client.end()
  const cpus = os.cpus()
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    postgres,
  }
}
