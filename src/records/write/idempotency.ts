import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Principal } from '../../access/principal.js'
import type { Database } from '../../db/types.js'
import { conflict } from '../../graphql/errors.js'
import { stableJson } from './stable-json.js'

/** How long a used idempotency key answers with its first result. */
export const IDEMPOTENCY_WINDOW_HOURS = 24

/**
 * Runs a create at most once per idempotency key and principal (either of its API keys may
 * retry). The key row is claimed first, inside the create's transaction: a concurrent retry
 * waits on it, then finds the first result. A key reused for a different request is CONFLICT.
 * Returns the created (or earlier) record id and whether this call wrote it.
 */
export async function createOnce(
  trx: Kysely<Database>,
  principal: Principal,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  create: () => Promise<string>,
): Promise<{ id: string; replayed: boolean }> {
  if (!key) return { id: await create(), replayed: false }
  const requestHash = createHash('sha256').update(operation).update(stableJson(input)).digest('hex')
  // A key older than the window is forgotten, so it may be used afresh.
  await trx
    .deleteFrom('idempotency_keys')
    .where('business_id', '=', principal.businessId)
    .where('principal_id', '=', principal.id)
    .where('key', '=', key)
    .where('created_at', '<', new Date(Date.now() - IDEMPOTENCY_WINDOW_HOURS * 3600_000))
    .execute()
  const claimed = await trx
    .insertInto('idempotency_keys')
    .values({ business_id: principal.businessId, principal_id: principal.id, key, operation, request_hash: requestHash })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst()
  if (!claimed) {
    const earlier = await trx
      .selectFrom('idempotency_keys')
      .select(['operation', 'request_hash', 'record_id'])
      .where('business_id', '=', principal.businessId)
      .where('principal_id', '=', principal.id)
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    if (earlier.operation !== operation || earlier.request_hash !== requestHash || earlier.record_id === null) {
      throw conflict('This idempotency key was already used for a different request.', { field: 'idempotencyKey' })
    }
    return { id: earlier.record_id, replayed: true }
  }
  const id = await create()
  await trx
    .updateTable('idempotency_keys')
    .set({ record_id: id })
    .where('business_id', '=', principal.businessId)
    .where('principal_id', '=', principal.id)
    .where('key', '=', key)
    .execute()
  return { id, replayed: false }
}
