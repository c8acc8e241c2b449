import { type Kysely, sql } from 'kysely'
import { auditRequestChange } from '../../access/audit.js'
import type { Principal } from '../../access/principal.js'
import type { Context } from '../../context.js'
import type { Database } from '../../db/types.js'
import type { Resource } from '../resource.js'
import { stableJson } from './stable-json.js'

/**
 * The generic steps every record write shares once the permission checks have passed: insert,
 * patch, tombstone, each with its audit event (actor, credential, record, operation, changed
 * fields) in the same transaction.
 */

type Row = Record<string, unknown>

/** Inserts a record of the caller's business; returns its id. */
export async function insertRecord(
  trx: Kysely<Database>,
  context: Context,
  principal: Principal,
  resource: Resource,
  values: Row,
): Promise<string> {
  const row = await (trx as Kysely<any>)
    .insertInto(resource.table)
    .values({ ...values, business_id: principal.businessId })
    .returning('id')
    .executeTakeFirstOrThrow()
  await auditRequestChange(trx, context, 'record.create', { type: resource.typeName, id: String(row.id) }, { fields: Object.keys(values).sort() })
  return String(row.id)
}

/**
 * Applies the columns that actually change (the database bumps version and updated_at) and
 * returns their names. A patch that changes nothing writes nothing and keeps the version, unless
 * `touch` says something beside the row changed (its lines): that still makes a new version.
 */
export async function patchRecord(
  trx: Kysely<Database>,
  context: Context,
  principal: Principal,
  resource: Resource,
  current: Row,
  changes: Row,
  options: { touch?: boolean } = {},
): Promise<string[]> {
  const changed = Object.keys(changes).filter((column) => !sameValue(current[column], changes[column]))
  const set: Row = Object.fromEntries(changed.map((column) => [column, changes[column]]))
  // The trigger sets updated_at and bumps version on any UPDATE; this one exists only for that.
  if (changed.length === 0 && options.touch) set.updated_at = sql`now()`
  if (Object.keys(set).length > 0) {
    await (trx as Kysely<any>)
      .updateTable(resource.table)
      .set(set)
      .where('business_id', '=', principal.businessId)
      .where('id', '=', current.id)
      .execute()
  }
  return changed
}

/** Audits an update with the names of the changed columns (lines included by the caller). */
export async function auditUpdate(
  trx: Kysely<Database>,
  context: Context,
  principal: Principal,
  resource: Resource,
  id: unknown,
  changed: string[],
): Promise<void> {
  if (changed.length === 0) return
  await auditRequestChange(trx, context, 'record.update', { type: resource.typeName, id: String(id) }, { fields: [...changed].sort() })
}

/**
 * Deletes by leaving a tombstone: the row stays with deleted_at set, invisible to reads but
 * listed by `deletedRecords`, so a partner's mirror can delete it too.
 */
export async function tombstoneRecord(
  trx: Kysely<Database>,
  context: Context,
  principal: Principal,
  resource: Resource,
  current: Row,
): Promise<{ deletedAt: Date; version: number }> {
  // now() is the transaction's clock, as updated_at is, so sync horizons treat both alike.
  const row = await (trx as Kysely<any>)
    .updateTable(resource.table)
    .set({ deleted_at: sql`now()` })
    .where('business_id', '=', principal.businessId)
    .where('id', '=', current.id)
    .returning(['version', 'deleted_at'])
    .executeTakeFirstOrThrow()
  await auditRequestChange(trx, context, 'record.delete', { type: resource.typeName, id: String(current.id) })
  return { deletedAt: row.deleted_at as Date, version: Number(row.version) }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return String(a) === String(b)
  if (typeof a === 'object' || typeof b === 'object') return stableJson(a) === stableJson(b)
  return String(a ?? '') === String(b ?? '') && (a === null) === (b === null)
}
