import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'

/**
 * Which statements run as named prepared statements on PostgreSQL, so that a read sent again is
 * neither parsed nor analysed again (and its plan can be reused): the read compiler puts every
 * request value in a parameter, so one document shape under one role shape is one SQL text,
 * however many businesses, principals, ids and cursors it is run for.
 *
 * - Only reads (SELECT / WITH): the hot path. Writes run inside transactions of a few statements
 *   each, mostly one-offs in shape.
 * - Only once a text has been seen before: a one-off shape (an unusual selection, a long `nodes(ids:)`
 *   list) is never prepared, so it costs nothing on the server.
 * - At most `perConnection` prepared statements per connection: PostgreSQL keeps each one in the
 *   backend's memory until the connection closes, and the shapes a caller can invent are unbounded.
 *   Past the cap a connection runs new texts unnamed, as before.
 * The name is a digest of the text, so one text has one name on every connection (pg prepares it
 * once per connection, on first use there) and two texts can never share a name.
 */
export interface StatementNamer {
  /** The name to prepare `text` under on the connection whose names so far are `prepared`, or null to run it unnamed. */
  nameFor(text: string, prepared: Set<string>): string | null
}

const READ = /^\s*(select|with)\b/i
/** Distinct SQL texts remembered process-wide (seen once, or named). */
const REMEMBERED_TEXTS = 5_000

export function createStatementNamer(options: { perConnection: number }): StatementNamer {
  // text → its name once seen twice ('' after the first sighting).
  const seen = new LRUCache<string, string>({ max: REMEMBERED_TEXTS })
  return {
    nameFor(text, prepared) {
      if (options.perConnection === 0 || !READ.test(text)) return null
      const known = seen.get(text)
      if (known === undefined) {
        seen.set(text, '')
        return null
      }
      const name = known || `gh_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`
      if (!known) seen.set(text, name)
      if (prepared.has(name)) return name
      if (prepared.size >= options.perConnection) return null
      prepared.add(name)
      return name
    },
  }
}
