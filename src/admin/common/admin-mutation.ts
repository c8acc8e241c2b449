import type { Kysely } from 'kysely'
import type { Context } from '../../context.js'
import type { Database } from '../../db/types.js'
import { inTransaction as inWriteTransaction, requirePrincipal } from '../../records/write/transaction.js'
import type { Principal } from '../../access/principal.js'

/**
 * Runs one admin mutation as one transaction (the write path's: every check, write and audit row
 * commit together or not at all), handing the work its caller. Inside, only `trx` may be used.
 */
export function inTransaction<T>(context: Context, work: (trx: Kysely<Database>, principal: Principal) => Promise<T>): Promise<T> {
  const principal = requirePrincipal(context)
  return inWriteTransaction(context, (trx) => work(trx, principal))
}

/**
 * What an update changed, for the audit log: the names of the fields whose value differs, and
 * their old and new values. Callers pass only non-secret fields.
 */
export function changesOf(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { fields: string[]; changes: Record<string, { from: unknown; to: unknown }> } {
  const changes: Record<string, { from: unknown; to: unknown }> = {}
  for (const [field, value] of Object.entries(after)) {
    if (value === undefined) continue
    if (JSON.stringify(before[field] ?? null) !== JSON.stringify(value ?? null)) changes[field] = { from: before[field] ?? null, to: value ?? null }
  }
  return { fields: Object.keys(changes), changes }
}
