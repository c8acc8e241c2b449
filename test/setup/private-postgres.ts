import { execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/**
 * A PostgreSQL server of a test's own, for what must never be done to the machine's shared one:
 * stopping it, terminating its connections, holding its locks. `initdb` refuses to run as root, so
 * as root the cluster belongs to the `postgres` user and its tools run as that user.
 */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string
  port: number
  start(): void
  /** `pg_ctl stop` in the given mode (fast: disconnect clients and stop; immediate: like a crash). */
  stop(mode?: 'fast' | 'immediate'): void
  /** Runs one statement on a connection of its own. */
  query<R extends pg.QueryResultRow = any>(statement: string, values?: unknown[]): Promise<pg.QueryResult<R>>
  /** Stops the server and removes its folder. */
  destroy(): void
}

const binDir = (() => {
  const root = '/usr/lib/postgresql'
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined
  if (!version) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql')
  return join(root, version, 'bin')
})()

const asRoot = userInfo().uid === 0

function run(tool: string, args: string[]) {
  const command = asRoot ? 'runuser' : join(binDir, tool)
  const fullArgs = asRoot ? ['-u', 'postgres', '--', join(binDir, tool), ...args] : args
  const result = spawnSync(command, fullArgs, { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`${tool} failed: ${result.stderr || result.stdout}`)
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** initdb into a temporary folder and start the server on a free loopback port. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'))
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    chownSync(dir, uid, gid)
  }
  chmodSync(dir, 0o700)
  const dataDir = join(dir, 'data')
  run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`
  let running = false
  const instance: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start() {
      run('pg_ctl', ['-D', dataDir, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start'])
      running = true
    },
    stop(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '30', 'stop'])
      running = false
    },
    async query(statement, values) {
      const client = new pg.Client({ connectionString: instance.url })
      await client.connect()
      try {
        return await client.query(statement, values)
      } finally {
        await client.end()
      }
    },
    destroy() {
      if (running) instance.stop('immediate')
      rmSync(dir, { recursive: true, force: true })
    },
  }
  instance.start()
  return instance
}
