import { isDeepStrictEqual } from 'node:util'
import { type Compilable, CompiledQuery } from 'kysely'
import { LRUCache } from 'lru-cache'
import { MODULES, OPERATIONS, type PermissionMatrix } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'

/**
 * Compile once per shape: a read's SQL depends only on its shape (the resource, the selection with
 * its response names and nested arguments, the caller's levels, which root arguments are present);
 * its values (the business, the caller, the team, ids, the page size, cursors, filter values) are
 * all parameters. So the SQL text and the place of each value in the parameter list are compiled
 * once per shape and kept; a request of a known shape only fills the parameters in.
 *
 * How a value finds its place: the statement is built with each request value wrapped in a Bound
 * that names it. kysely hands parameter values through untouched, so the compiled parameter list
 * holds the Bounds where the values go, and that list becomes the template's slots. A value that
 * reached the statement without a name was fixed by the shape (a nested page size, say) and stays
 * as it is. A statement with a fixed text equal to one of the request's named texts is never
 * kept: it is most likely that value reaching the statement unnamed, which the next caller of the
 * shape would be served.
 *
 * With GATEHOUSE_READ_CACHE_CHECK=1 (the test suite sets it) every statement served from the
 * cache is also compiled afresh and must be identical, text and parameters, or the request fails:
 * a shape key that misses something the builder branches on cannot pass the tests unnoticed.
 */

class Bound {
  constructor(
    readonly name: string,
    readonly value: unknown,
  ) {}
}

type Slot = { name: string } | { fixed: unknown }

interface Template {
  sql: string
  slots: Slot[]
}

/** Shapes kept: enough for every document a partner integration sends. */
const SHAPES = 1_000
/** Characters kept, keys and SQL text together (a 50-job nested page is ~6,000 of SQL and ~8,000 of key). */
const TEXT_BUDGET = 16_000_000
/**
 * A shape whose key or text is longer than this is compiled every time, never kept: a document
 * can select much that compiles to little (relations the role cannot read), and the budget above
 * must hold hundreds of ordinary shapes, not a few made to fill it.
 */
const LONGEST_KEPT = 40_000

const CHECK = process.env.GATEHOUSE_READ_CACHE_CHECK === '1'

/**
 * One cache for the process: the text depends on the shape alone, never on the database handle
 * (both drivers compile PostgreSQL, and no plugin of ours rewrites queries).
 */
const templates = new LRUCache<string, Template>({
  max: SHAPES,
  maxSize: TEXT_BUDGET,
  sizeCalculation: (template, key) => key.length + template.sql.length,
})

/** How often a read's statement came from the cache, for tests and the bench. */
export const readCacheStats = { hits: 0, misses: 0 }

export type ReadValues = Record<string, unknown>

/**
 * The compiled statement for `values` in the shape `key`: from the cache, or built by `build` (which
 * gets `values` with each one wrapped, and must use nothing of the request outside them and `key`).
 */
export function compileRead<V extends ReadValues>(
  key: string,
  values: V,
  build: (bound: V) => Compilable<unknown>,
): CompiledQuery {
  const known = templates.get(key)
  if (known) {
    readCacheStats.hits++
    const compiled = CompiledQuery.raw(known.sql, fill(known.slots, values))
    if (CHECK) assertSameAsFresh(compiled, values, build, key)
    return compiled
  }
  readCacheStats.misses++
  const { template, compiled } = compileTemplate(values, build)
  if (template && key.length <= LONGEST_KEPT && template.sql.length <= LONGEST_KEPT) templates.set(key, template)
  return compiled
}

function compileTemplate<V extends ReadValues>(
  values: V,
  build: (bound: V) => Compilable<unknown>,
): { template: Template | null; compiled: CompiledQuery } {
  const bound = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, new Bound(name, value)])) as unknown as V
  const built = build(bound).compile()
  const slots: Slot[] = built.parameters.map((parameter) =>
    parameter instanceof Bound ? { name: parameter.name } : { fixed: parameter },
  )
  const compiled = CompiledQuery.raw(built.sql, fill(slots, values))
  // A fixed text equal to one of this request's own (ids, cursors, a search) most likely is that
  // value, unnamed. (Numbers coincide too often to tell: a nested page of 5 under a root page of 5.)
  const named = new Set<unknown>(Object.values(values).flat().filter((value) => typeof value === 'string'))
  const leaks = slots.some((slot) => 'fixed' in slot && named.has(slot.fixed))
  return { template: leaks ? null : { sql: built.sql, slots }, compiled }
}

function fill(slots: readonly Slot[], values: ReadValues): unknown[] {
  return slots.map((slot) => ('name' in slot ? values[slot.name] : slot.fixed))
}

function assertSameAsFresh<V extends ReadValues>(cached: CompiledQuery, values: V, build: (bound: V) => Compilable<unknown>, key: string) {
  const { compiled: fresh } = compileTemplate(values, build)
  if (cached.sql !== fresh.sql || !isDeepStrictEqual(cached.parameters, fresh.parameters)) {
    throw new Error(`The read cache served a statement that differs from a fresh compile (shape ${key.slice(0, 200)}).`)
  }
}

/** The caller's values every read binds: its business, itself and its team. */
export function principalValues(principal: Principal): { business: string; principal: string; team: string | null } {
  return { business: principal.businessId, principal: principal.id, team: principal.teamId }
}

/** The principal a statement is built for: the same levels, its values the bound ones. */
export function boundPrincipal(principal: Principal, bound: ReturnType<typeof principalValues>): Principal {
  return {
    ...principal,
    businessId: bound.business,
    id: bound.principal,
    // Whether there is a team changes the SQL (MY without a team reads as MINE): that is shape.
    teamId: principal.teamId === null ? null : bound.team,
  }
}

const levelKeys = new WeakMap<PermissionMatrix, string>()

/** The part of a caller that shapes a read: every level of its role, and whether it has a team. */
export function principalShape(principal: Principal): string {
  let levels = levelKeys.get(principal.permissions)
  if (levels === undefined) {
    levels = MODULES.map((module) => OPERATIONS.map((operation) => principal.permissions[module][operation][1]).join('')).join('.')
    levelKeys.set(principal.permissions, levels)
  }
  return `${levels}/${principal.teamId === null ? 'solo' : 'team'}`
}
