import { type Kysely, sql } from 'kysely'
import { ownerCondition, rowScope } from '../row-scope.js'
import { type Level, levelOf, type Module, type Operation } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'
import type { Database } from '../../db/types.js'
import { conflict, forbidden, notFound } from '../../graphql/errors.js'
import { decodeGlobalId, idOfType } from '../../graphql/global-id.js'
import { principalKindOf } from '../../graphql/principal-summary.js'
import type { Resource } from '../resource.js'

/**
 * The write side of the permission model. Every mutation asks these, so ADD / EDIT / DELETE obey
 * the same owner rules as reads: a missing operation is FORBIDDEN, a target outside the caller's
 * scope (or business) is NOT_FOUND, and nothing is written in either case.
 */

type Row = Record<string, unknown>

/** FORBIDDEN unless the role grants the operation on the module at some level. */
export function requireOperation(principal: Principal, module: Module, operation: Operation): Level {
  const level = levelOf(principal.permissions, module, operation)
  if (level === 'NONE') throw forbidden(`Your security role does not allow ${operation} on ${module}.`)
  return level
}

/**
 * Locks the record for the rest of the transaction if the caller may apply `operation` to it;
 * NOT_FOUND otherwise (another business, out of scope, deleted, or a global id of another type).
 */
export async function lockForWrite(
  trx: Kysely<Database>,
  principal: Principal,
  resource: Resource,
  globalId: string,
  operation: 'EDIT' | 'DELETE',
): Promise<Row> {
  requireOperation(principal, resource.module, operation)
  const id = idOfType(globalId, resource.typeName, 'id')
  const row = await (trx as Kysely<any>)
    .selectFrom(`${resource.table} as target`)
    .selectAll('target')
    .where('target.id', '=', id)
    .where(rowScope(resource, principal, operation, 'target'))
    .forUpdate()
    .executeTakeFirst()
  if (!row) throw notFound(resource.typeName, 'id')
  return row as Row
}

/** CONFLICT (with the current version) when the caller's copy is stale. */
export function checkVersion(row: Row, expectedVersion: number): void {
  if (row.version !== expectedVersion) {
    throw conflict(`The record changed since you read it: it is at version ${String(row.version)}, not ${expectedVersion}.`, {
      field: 'expectedVersion',
      currentVersion: row.version,
    })
  }
}

/**
 * Resolves a reference from an input (a job's client, an order's job) to a row id. The row must be
 * in the caller's business and readable by it; for a parent whose owner the new record takes
 * (an order's job), also within the caller's level for the operation on the child's module.
 * The row is share-locked until the transaction ends, so a concurrent delete cannot tombstone it
 * between this check and the insert that points at it (the delete waits, then sees the new row).
 */
export async function resolveReference(
  trx: Kysely<Database>,
  principal: Principal,
  resource: Resource,
  globalId: string,
  field: string,
  ownerRule?: { level: Level },
): Promise<Row> {
  const id = idOfType(globalId, resource.typeName, field)
  const row = await (trx as Kysely<any>)
    .selectFrom(`${resource.table} as ref`)
    .selectAll('ref')
    .where('ref.id', '=', id)
    .where(rowScope(resource, principal, 'INQUIRE', 'ref'))
    .where((eb) => (ownerRule ? ownerCondition(eb, resource, principal, ownerRule.level, 'ref') : sql<boolean>`true`))
    .forShare()
    .executeTakeFirst()
  if (!row) throw notFound(resource.typeName, field)
  return row as Row
}

/**
 * The owner a created or edited record gets. With MINE only the caller; with MY anyone in the
 * caller's team; with ALL any active principal of the business. Defaults to the caller.
 */
export async function allowedOwner(
  trx: Kysely<Database>,
  principal: Principal,
  level: Level,
  requestedGlobalId: string | null | undefined,
  field = 'ownerId',
): Promise<string> {
  // Only an absent id means "yourself": an empty string is an id, and names no one (NOT_FOUND).
  if (requestedGlobalId == null) return principal.id
  const { typename, id } = decodeGlobalId(requestedGlobalId)
  const kind = principalKindOf(typename)
  if (!kind) throw notFound('owner', field)
  const owner = await trx
    .selectFrom('principals')
    .select(['id', 'team_id', 'kind', 'active'])
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!owner || !owner.active || owner.kind !== kind) throw notFound('owner', field)
  const allowed =
    level === 'ALL' ||
    owner.id === principal.id ||
    (level === 'MY' && principal.teamId !== null && owner.team_id === principal.teamId)
  if (!allowed) throw forbidden(`Your security role lets you assign records only to ${level === 'MY' ? 'your team' : 'yourself'}.`)
  return owner.id
}

/**
 * CONFLICT while a live record of the caller's business still points at this one (the resource's
 * referrers): a tombstone would leave it pointing at nothing. Checked in the delete's transaction,
 * after the lock.
 */
export async function refuseWhileReferenced(
  trx: Kysely<Database>,
  principal: Principal,
  resource: Resource,
  id: unknown,
): Promise<void> {
  for (const { resource: referrer, foreignKey, what } of resource.referrers ?? []) {
    const { table } = referrer()
    const reference = await (trx as Kysely<any>)
      .selectFrom(table)
      .select('id')
      .where('business_id', '=', principal.businessId)
      .where(foreignKey, '=', String(id))
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst()
    if (reference) throw conflict(`The record is still referenced by ${what}; change or delete that first.`, { referencedBy: table })
  }
}
