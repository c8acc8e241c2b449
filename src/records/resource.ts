import type { Database } from '../db/types.js'
import type { RawBuilder } from 'kysely'
import type { Module } from '../access/permissions.js'

/**
 * A resource describes one readable record type once: its table, columns, relations, module and
 * owner rule. The one-statement query compiler, the fallback loaders, the row filters and the
 * GraphQL relation fields all read from this description, so they cannot drift apart.
 */

export type TableName = keyof Database

/**
 * How a column travels through SQL and JSON. Both paths must give the same JavaScript value:
 * int8 and numeric become exact strings, dates 'YYYY-MM-DD', timestamps Date (in JSON an ISO
 * string, which the DateTime scalar accepts alike).
 */
export type ColumnKind = 'id' | 'int' | 'text' | 'numeric' | 'date' | 'timestamp' | 'json' | 'bool'

/** Who owns a row, which is what MY and MINE filter on (the contract's owner rules). */
export type Ownership =
  /** The row's own owner_id column. */
  | { kind: 'column'; column: string }
  /** The owner of a parent row (an order takes the owner of its job). */
  | { kind: 'parent'; parent: () => Resource; foreignKey: string }
  /** No owner: any level but NONE sees every row (reference data such as suppliers). */
  | { kind: 'none' }

export type Relation =
  /** parent.foreignKey → target.id (Job.client). */
  | { kind: 'one'; target: () => Resource; foreignKey: string }
  /** target.foreignKey → parent.id, paged as a connection (Job.salesOrders). */
  | { kind: 'many'; target: () => Resource; foreignKey: string }
  /** Child rows that belong wholly to the parent, as a plain list in `orderColumn` order (order lines). */
  | { kind: 'lines'; table: TableName; foreignKey: string; orderColumn: string; columns: Record<string, ColumnKind> }

export interface Resource {
  /** GraphQL type name; also the prefix of the record's global id. */
  typeName: string
  table: TableName
  module: Module
  ownership: Ownership
  columns: Record<string, ColumnKind>
  /** Keyed by GraphQL field name. */
  relations: Record<string, Relation>
  /**
   * Columns a GraphQL field reads when they are not simply its name in snake_case
   * (`inHandsDate` → in_hands_date): computed fields such as Contact.name.
   */
  fieldColumns?: Record<string, string[]>
  /**
   * A computed field's value in SQL, exactly as its resolver answers it, for the pass-through read
   * (read/passthrough.ts); a computed field without one is answered by execution. The read
   * property test holds the two to the same bytes.
   */
  fieldSql?: Record<string, (alias: string) => RawBuilder<string>>
  /** Text columns matched by the `search` filter. */
  searchColumns: string[]
  /** Deleted rows stay as tombstones (deleted_at set) and are invisible to reads. */
  softDelete: boolean
  /** Records that may point at this one: while a live one does, this one cannot be deleted. */
  referrers?: Referrer[]
  /** Rows carry a per-business `number`, counted without gaps (records/write/numbers.ts). */
  numbered?: boolean
}

/** A record type whose `foreignKey` column may point at another record, and what to call one. */
export interface Referrer {
  resource: () => Resource
  foreignKey: string
  what: string
}

/** Declares a resource; a function so relations can point at resources declared later. */
export function defineResource(resource: Resource): Resource {
  return resource
}

/**
 * Adds relations and referrers to a resource another module declared: a module above may point at
 * one below (orders adds Contact.jobs), and the one below need not know it. Call at module load,
 * before the schema is built.
 */
export function extendResource(resource: Resource, extension: { relations?: Record<string, Relation>; referrers?: Referrer[] }): void {
  for (const [name, relation] of Object.entries(extension.relations ?? {})) {
    if (resource.relations[name]) throw new Error(`${resource.typeName}.${name} is declared twice`)
    resource.relations[name] = relation
  }
  resource.referrers = [...(resource.referrers ?? []), ...(extension.referrers ?? [])]
}
