import { badInput } from '../../graphql/errors.js'
import { isDatabaseId } from '../../graphql/global-id.js'
import { isCalendarDate } from '../../graphql/scalars.js'

/**
 * Keyset pagination: a page is "the next N rows after this key in this order", so page 10,000
 * costs what page 1 costs. Cursors are opaque to clients (base64url JSON) and validated here.
 */

export const DEFAULT_PAGE_SIZE = 25
export const MAX_PAGE_SIZE = 100

/** The orders a list can be read in. `id`: creation order. `sync`: (updated_at, id), for incremental sync. */
export type PageOrder = 'id' | 'sync'

export interface CursorKey {
  order: PageOrder
  id: string
  /** updated_at with full microsecond precision, as PostgreSQL prints it (sync order only). */
  updatedAt?: string
}

export interface ConnectionArgs {
  first?: number | null
  after?: string | null
  last?: number | null
  before?: string | null
}

/** A validated page request. */
export interface PageRequest {
  /** Rows to return; one more is read to learn whether another page follows. */
  size: number
  /** Reading backwards (`last`/`before`): rows are fetched in reverse and flipped back. */
  backwards: boolean
  after: CursorKey | null
  before: CursorKey | null
}

/**
 * Relay's page flags: toward the reading direction, whether a row was read past the page (`more`);
 * away from it, whether the page began at a cursor (nothing is read to know more). `more` is a
 * boolean where execution pages in Node, an SQL expression where PostgreSQL writes the answer, so
 * `known` turns a flag known already into the same kind.
 */
export function pageFlags<T>(page: PageRequest, more: T, known: (value: boolean) => T): { hasNextPage: T; hasPreviousPage: T } {
  return page.backwards
    ? { hasNextPage: known(page.before !== null), hasPreviousPage: more }
    : { hasNextPage: more, hasPreviousPage: known(page.after !== null) }
}

/** Validates connection arguments; more than MAX_PAGE_SIZE is an error, never a silent clamp. */
export function pageRequest(args: ConnectionArgs, order: PageOrder): PageRequest {
  const { first, last } = args
  if (first != null && last != null) throw badInput('Pass either `first` or `last`, not both.', 'first')
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw badInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}; page through larger lists.`, name)
    }
  }
  return {
    size: first ?? last ?? DEFAULT_PAGE_SIZE,
    backwards: last != null,
    after: args.after != null ? decodeCursor(args.after, order, 'after') : null,
    before: args.before != null ? decodeCursor(args.before, order, 'before') : null,
  }
}

/**
 * THE cursor codec: a cursor is base64url JSON of a list of strings, opaque to clients. Each list
 * says what its parts are and checks them (decodeCursor below; deletedRecords).
 */
export function packCursor(parts: readonly string[]): string {
  return cursorFromJson(JSON.stringify(parts))
}

/** A cursor from its JSON as SQL writes it (response-sql.ts's cursorJson). */
export const cursorFromJson = (json: string): string => Buffer.from(json).toString('base64url')

/** The parts of a cursor, or BAD_USER_INPUT naming `field` when it is not one of ours. */
export function unpackCursor(cursor: string, field: string): unknown[] {
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw badInput('Invalid cursor.', field)
  }
  if (!Array.isArray(payload) || !payload.every((part) => typeof part === 'string')) throw badInput('Invalid cursor.', field)
  return payload
}

/** A database id as cursors carry it. */
export const isCursorId = isDatabaseId

const CURSOR_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-]\d{2}(?::?[0-5]\d)?|Z)$/

/**
 * A timestamp as cursors carry it: PostgreSQL's text form of a timestamptz (microseconds kept),
 * a real calendar time within the years PostgreSQL and JavaScript agree on. A crafted one is
 * refused here rather than by a failing cast in SQL.
 */
export function isCursorTime(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const match = CURSOR_TIME.exec(value)
  if (!match) return false
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  // PostgreSQL takes offsets up to ±15:59.
  const offsetHours = match[8] && match[8] !== 'Z' ? Number(match[8].slice(1, 3)) : 0
  return isCalendarDate(year, month, day) && hour < 24 && minute < 60 && second < 60 && offsetHours <= 15
}

/** Encodes a row's position in an order as an opaque cursor. */
export function encodeCursor(key: CursorKey): string {
  return packCursor(key.order === 'sync' ? ['s', String(key.updatedAt), key.id] : ['i', key.id])
}

function decodeCursor(cursor: string, order: PageOrder, field: 'after' | 'before'): CursorKey {
  const payload = unpackCursor(cursor, field)
  if (payload[0] === 'i' && payload.length === 2 && isCursorId(payload[1])) {
    if (order !== 'id') throw badInput('This cursor belongs to a list without `updatedSince`.', field)
    return { order, id: payload[1] }
  }
  if (
    payload[0] === 's' && payload.length === 3 && isCursorId(payload[2]) && isCursorTime(payload[1])
  ) {
    if (order !== 'sync') throw badInput('This cursor belongs to a list filtered by `updatedSince`.', field)
    return { order, updatedAt: payload[1], id: payload[2] }
  }
  throw badInput('Invalid cursor.', field)
}
