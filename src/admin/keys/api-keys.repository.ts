import { type Kysely, type SelectQueryBuilder, sql } from 'kysely'
import { registerApiKey } from '../../access/global-lookups.js'
import type { Database, KeySlot, PrincipalKind } from '../../db/types.js'
import type { ConnectionArgs } from '../../records/read/pagination.js'
import type { ConnectionValue } from '../../records/read/relations.js'
import { pageById } from '../common/admin-pages.js'
import { type GeneratedApiKey, generateApiKey, hashApiKeySecret } from '../../access/credentials/api-keys.js'
import type { Principal } from '../../access/principal.js'

/**
 * API key rows. Every function takes the executor first and the caller second: the business comes
 * from the caller, so a query of another business's keys cannot be written by accident. A key is
 * "current" while it is neither revoked (or retiring after a regeneration) nor expired; a retiring
 * key has a revoked_at in the future and works until then.
 */

/** An API key as listings show it: never its secret or hash. */
export interface ApiKeyRow {
  id: string
  public_key: string
  slot: KeySlot
  description: string
  created_at: Date
  last_used_at: Date | null
  expires_at: Date | null
  revoked_at: Date | null
  /** Addresses or CIDR blocks the key works from; empty: anywhere. */
  allowed_networks: string[]
  owner_id: string
  owner_kind: PrincipalKind
  owner_name: string
  created_by: string | null
  creator_kind: PrincipalKind | null
  creator_name: string | null
}

export interface KeyOwner {
  id: string
  kind: PrincipalKind
  name: string
  active: boolean
}

function listing(db: Kysely<Database>, principal: Principal) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('principals as o', (join) => join.onRef('o.business_id', '=', 'k.business_id').onRef('o.id', '=', 'k.owner_id'))
    .leftJoin('principals as c', (join) => join.onRef('c.business_id', '=', 'k.business_id').onRef('c.id', '=', 'k.created_by'))
    .select([
      'k.id', 'k.public_key', 'k.slot', 'k.description', 'k.created_at', 'k.last_used_at', 'k.expires_at', 'k.revoked_at',
      'k.allowed_networks', 'k.owner_id', 'o.kind as owner_kind', 'o.name as owner_name', 'k.created_by', 'c.kind as creator_kind', 'c.name as creator_name',
    ])
    .where('k.business_id', '=', principal.businessId)
}

/** One page of the business's keys in creation order, optionally of one owner and/or only working ones. */
export function listApiKeys(
  db: Kysely<Database>,
  principal: Principal,
  args: ConnectionArgs,
  filter: { ownerId?: string; active?: boolean | null },
  withCount: boolean,
): Promise<ConnectionValue> {
  let query = listing(db, principal)
  if (filter.ownerId !== undefined) query = query.where('k.owner_id', '=', filter.ownerId)
  if (filter.active != null) {
    const now = new Date()
    const working = sql<boolean>`((k.revoked_at is null or k.revoked_at > ${now}) and (k.expires_at is null or k.expires_at > ${now}))`
    query = query.where(filter.active ? working : sql<boolean>`not ${working}`)
  }
  // pageById is typed for unaliased tables; the aliases change nothing it relies on (an `id` column).
  return pageById(query as unknown as SelectQueryBuilder<Database, 'api_keys', ApiKeyRow>, 'k.id', args, withCount)
}

/** Keys of the business by id (`node` / `nodes`); ids it does not hold are absent. */
export async function loadApiKeys(db: Kysely<Database>, principal: Principal, ids: readonly string[]): Promise<Map<string, ApiKeyRow>> {
  if (ids.length === 0) return new Map()
  const rows = await listing(db, principal).where('k.id', 'in', [...ids]).execute()
  return new Map(rows.map((row) => [row.id, row as ApiKeyRow]))
}

/** One key of the business by id or public key. */
export function findApiKey(
  db: Kysely<Database>,
  principal: Principal,
  by: { id: string } | { publicKey: string },
): Promise<ApiKeyRow | undefined> {
  const query = listing(db, principal)
  return ('id' in by ? query.where('k.id', '=', by.id) : query.where('k.public_key', '=', by.publicKey)).executeTakeFirst()
}

/** A user or API member of the business that can hold keys, locked so two key mutations on it run one after the other. */
export function findKeyOwner(
  trx: Kysely<Database>,
  principal: Principal,
  owner: { kind: PrincipalKind; id: string },
): Promise<KeyOwner | undefined> {
  return trx
    .selectFrom('principals')
    .select(['id', 'kind', 'name', 'active'])
    .where('business_id', '=', principal.businessId)
    .where('kind', '=', owner.kind)
    .where('id', '=', owner.id)
    .forUpdate()
    .executeTakeFirst()
}

/**
 * The owner's current keys (neither revoked, retiring nor expired), at most one per slot; with
 * `retiring`, also the keys a regeneration's grace period still lets work.
 */
export function currentKeysOf(trx: Kysely<Database>, principal: Principal, ownerId: string, options: { retiring?: boolean } = {}) {
  const now = new Date()
  return trx
    .selectFrom('api_keys')
    .select(['id', 'public_key', 'slot', 'description', 'expires_at', 'allowed_networks', 'revoked_at'])
    .where('business_id', '=', principal.businessId)
    .where('owner_id', '=', ownerId)
    .where((eb) => (options.retiring ? eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', now)]) : eb('revoked_at', 'is', null)))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('id')
    .execute()
}

/** Creates one key for a slot; returns its row id and, this once, every form of the key. */
export async function insertApiKey(
  trx: Kysely<Database>,
  principal: Principal,
  input: { ownerId: string; slot: KeySlot; description: string; expiresAt: Date | null; allowedNetworks: string[]; pepper: Buffer },
): Promise<GeneratedApiKey & { id: string }> {
  const generated = generateApiKey()
  const row = await trx
    .insertInto('api_keys')
    .values({
      business_id: principal.businessId,
      owner_id: input.ownerId,
      public_key: generated.publicKey,
      secret_hash: hashApiKeySecret(input.pepper, generated),
      slot: input.slot,
      description: input.description,
      created_by: principal.id,
      expires_at: input.expiresAt,
      allowed_networks: input.allowedNetworks,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await registerApiKey(trx, { publicKey: generated.publicKey, businessId: principal.businessId, keyId: row.id })
  return { ...generated, id: row.id }
}

/**
 * Makes keys stop working at `at` (now, or the end of a grace period). A key already due to stop
 * earlier keeps its earlier end. Returns the public keys changed.
 */
export async function retireApiKeys(trx: Kysely<Database>, principal: Principal, keyIds: string[], at: Date): Promise<string[]> {
  if (keyIds.length === 0) return []
  const rows = await trx
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('business_id', '=', principal.businessId)
    .where('id', 'in', keyIds)
    .where((eb) => eb.or([eb('revoked_at', 'is', null), eb('revoked_at', '>', at)]))
    .returning('public_key')
    .execute()
  return rows.map((row) => row.public_key)
}

/** Changes the description and/or networks of keys of the business; returns the public keys changed. */
export async function updateApiKeys(
  trx: Kysely<Database>,
  principal: Principal,
  keyIds: string[],
  patch: { description?: string; allowedNetworks?: string[] },
): Promise<string[]> {
  if (keyIds.length === 0 || (patch.description === undefined && patch.allowedNetworks === undefined)) return []
  const rows = await trx
    .updateTable('api_keys')
    .set({
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.allowedNetworks !== undefined ? { allowed_networks: patch.allowedNetworks } : {}),
    })
    .where('business_id', '=', principal.businessId)
    .where('id', 'in', keyIds)
    .returning('public_key')
    .execute()
  return rows.map((row) => row.public_key)
}
