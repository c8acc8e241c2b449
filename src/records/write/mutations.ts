import type { Kysely } from 'kysely'
import { type Level, levelOf } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'
import type { Context } from '../../context.js'
import type { Database } from '../../db/types.js'
import type { DeletedRecordShape, WrittenRecord } from '../fields/payloads.js'
import type { Resource } from '../resource.js'
import { checkVersion, lockForWrite, refuseWhileReferenced, requireOperation } from './guards.js'
import { createOnce } from './idempotency.js'
import { auditUpdate, insertRecord, patchRecord, tombstoneRecord } from './records.js'
import { type RecordAction, appendEvent } from './outbox.js'
import { inTransaction, requirePrincipal } from './transaction.js'

/**
 * The three shapes of a record mutation, each one transaction: the permission check, the
 * idempotency or version check, the write and its audit event. Domain mutations supply only what
 * differs: the columns, and any checks of their own (references, line pricing).
 */

type Row = Record<string, unknown>
export interface WriteStep {
  trx: Kysely<Database>
  principal: Principal
  /** The caller's level for this operation on the resource's module. */
  level: Level
}

/** What a create's own code gets: the write step, and the insert of its record (with its audit event). */
export interface CreateStep extends WriteStep {
  insert(columns: Row): Promise<string>
}

/**
 * Creates a record once per idempotency key, in one transaction: the ADD check, then `write`, which
 * reads top-down in the domain (check references, compute columns, `step.insert`, then anything
 * that belongs to the new record, such as order lines) and returns the new record's id.
 */
export function createRecord(
  context: Context,
  resource: Resource,
  operation: string,
  input: { idempotencyKey?: string | null },
  write: (step: CreateStep) => Promise<string>,
): Promise<WrittenRecord> {
  return afterCommit(context, inTransaction(context, async (trx) => {
    const principal = requirePrincipal(context)
    const level = requireOperation(principal, resource.module, 'ADD')
    const insert = (columns: Row) => insertRecord(trx, context, principal, resource, columns)
    const { id, replayed } = await createOnce(trx, principal, input.idempotencyKey, operation, input, () =>
      write({ trx, principal, level, insert }),
    )
    // A replayed create wrote nothing, so it tells nobody anything.
    const event = replayed ? NO_EVENT : await recordEvent(trx, context, principal, resource, id, 'created')
    return { value: { recordId: id, replayed }, ...event }
  }))
}

/**
 * Updates a record the caller may edit, if `expectedVersion` is current. `changes` returns the
 * columns to set and, optionally, names of other things it changed (lines) for the audit.
 */
export function updateRecord(
  context: Context,
  resource: Resource,
  input: { id: string; expectedVersion: number },
  changes: (step: WriteStep, current: Row) => Promise<{ columns: Row; alsoChanged?: string[] }>,
): Promise<WrittenRecord> {
  return afterCommit(context, inTransaction(context, async (trx) => {
    const principal = requirePrincipal(context)
    const current = await lockForWrite(trx, principal, resource, input.id, 'EDIT')
    checkVersion(current, input.expectedVersion)
    const level = levelOf(principal.permissions, resource.module, 'EDIT')
    const { columns, alsoChanged = [] } = await changes({ trx, principal, level }, current)
    // Lines changing alone still make a new version of the record (one version per mutation).
    const changed = await patchRecord(trx, context, principal, resource, current, columns, { touch: alsoChanged.length > 0 })
    await auditUpdate(trx, context, principal, resource, current.id, [...changed, ...alsoChanged])
    // An update that changed nothing made no new version: no event.
    const changedAnything = changed.length > 0 || alsoChanged.length > 0
    const event = changedAnything ? await recordEvent(trx, context, principal, resource, String(current.id), 'updated') : NO_EVENT
    return { value: { recordId: String(current.id) }, ...event }
  }))
}

/**
 * Deletes (tombstones) a record the caller may delete, if `expectedVersion` is current and no live
 * record still points at it (the resource's referrers).
 */
export function deleteRecord(
  context: Context,
  resource: Resource,
  input: { id: string; expectedVersion: number },
): Promise<DeletedRecordShape> {
  return afterCommit(context, inTransaction(context, async (trx) => {
    const principal = requirePrincipal(context)
    const current = await lockForWrite(trx, principal, resource, input.id, 'DELETE')
    checkVersion(current, input.expectedVersion)
    await refuseWhileReferenced(trx, principal, resource, current.id)
    const tombstone = await tombstoneRecord(trx, context, principal, resource, current)
    const event = await recordEvent(trx, context, principal, resource, String(current.id), 'deleted')
    return { value: { typeName: resource.typeName, recordId: String(current.id), ...tombstone }, ...event }
  }))
}

/**
 * Appends a record's event. Its deliveries are left to this process's loop (a ticket) or announced
 * to the loops of every instance after commit (no ticket: src/webhooks/announcer.ts). Left to the
 * loop while it is open and between rounds: the wake after commit starts its next round within the
 * linger, as soon as another instance's would, and an announcement costs every instance listening
 * on the database a wake-up and a message (on the bench, a third of the CPU an endpoint added to a
 * write). A loop in a round (which may be waiting on a slow receiver) or none at all
 * (GATEHOUSE_WEBHOOK_WORKER=0) has the write announced, and so does a ticket overtaken by a round
 * before the commit (see `written`). Should this process die between its commit and its round or
 * announcement, the other loops' sweep finds the deliveries; a clean stop announces them
 * (src/webhooks/worker.ts).
 */
async function recordEvent(
  trx: Kysely<Database>,
  context: Context,
  principal: Principal,
  resource: Resource,
  recordId: string,
  action: RecordAction,
): Promise<QueuedEvent> {
  const ticket = context.services.webhooks?.ticket() ?? null
  return { queued: await appendEvent(trx, principal, resource, recordId, action), ticket }
}

/** What a write queued for webhooks (deliveries), and its ticket on this process's loop (recordEvent). */
interface QueuedEvent {
  queued: number
  ticket: number | null
}
/** A write that made no event (a replayed create, an update that changed nothing). */
const NO_EVENT: QueuedEvent = { queued: 0, ticket: null }

/** Once the write committed, if it queued deliveries: wakes this instance's delivery loop, or has them announced (recordEvent). */
async function afterCommit<T>(context: Context, written: Promise<QueuedEvent & { value: T }>): Promise<T> {
  const { value, queued, ticket } = await written
  if (queued > 0) context.services.webhooks?.written(ticket)
  return value
}
