import pg from 'pg'
import { cpuSeconds } from './servers.js'

/**
 * CPU time PostgreSQL spends for the bench database: the backends serving a server's pool do the
 * SQL (and, for one-statement reads, the JSON building), so server CPU alone would flatter whoever
 * pushes work into the database. Only one server is loaded at a time, so a window's delta is its.
 */
export interface CpuSeconds {
  gatehouse: number
  database: number
}

export class DatabaseCpu {
  private constructor(
    private readonly client: pg.Client,
    private readonly database: string,
  ) {}

  /** Connects to the server's maintenance database (never the bench database, which is measured). */
  static async connect(postgresUrl: string, database: string): Promise<DatabaseCpu> {
    const client = new pg.Client({ connectionString: `${postgresUrl}/postgres` })
    await client.connect()
    return new DatabaseCpu(client, database)
  }

  /** CPU seconds used so far by each client backend connected to the bench database. */
  async snapshot(): Promise<Map<number, number>> {
    const { rows } = await this.client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and backend_type = 'client backend'",
      [this.database],
    )
    const seconds = new Map<number, number>()
    for (const { pid } of rows) {
      try {
        seconds.set(pid, cpuSeconds(pid))
      } catch {
        // the backend ended between the two reads
      }
    }
    return seconds
  }

  /** CPU seconds between two snapshots; a backend born in between counts from zero. */
  static between(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0
    for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0)
    return total
  }

  /**
   * A meter of CPU seconds used since this call by the given processes (the Gatehouse servers)
   * and by this database's backends, apart.
   */
  async meter(pids: number[]): Promise<() => Promise<CpuSeconds>> {
    const ownSeconds = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
    const ownBase = ownSeconds()
    // Each backend's seconds from the first reading to the last: a backend the pool closed (idle
    // 10 s) keeps what it was last seen using, so readings never go down. (Compared with the
    // first snapshot only, a window in which one closed came out negative: PostgreSQL -0.40 ms
    // per write in results.md at edde096.) A lower reading under a known pid is a new backend.
    const seen = new Map<number, { from: number; to: number }>()
    for (const [pid, seconds] of await this.snapshot()) seen.set(pid, { from: seconds, to: seconds })
    let ended = 0
    return async () => {
      for (const [pid, seconds] of await this.snapshot()) {
        const known = seen.get(pid)
        if (known && seconds >= known.to) known.to = seconds
        else {
          if (known) ended += known.to - known.from
          seen.set(pid, { from: 0, to: seconds })
        }
      }
      let database = ended
      for (const { from, to } of seen.values()) database += to - from
      return { gatehouse: ownSeconds() - ownBase, database }
    }
  }

  close(): Promise<void> {
    return this.client.end()
  }
}
