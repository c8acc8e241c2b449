import type { Kysely } from 'kysely'
import { inTransaction, requirePrincipal } from '../../records/write/transaction.js'
import { appendSecurityEvent } from '../../records/write/outbox.js'
import type { Context } from '../../context.js'
import type { Database, KeySlot, PrincipalKind } from '../../db/types.js'
import { conflict, confirmationRequired, notFound } from '../../graphql/errors.js'
import type { GeneratedApiKey } from '../../access/credentials/api-keys.js'
import { type ApiKeyRow, currentKeysOf, findApiKey, findKeyOwner, insertApiKey, loadApiKeys, retireApiKeys, updateApiKeys } from './api-keys.repository.js'
import { changesOf } from '../common/admin-mutation.js'
import { auditRequestChange } from '../../access/audit.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import type { Principal } from '../../access/principal.js'
import { principalTypeName } from '../../graphql/principal-summary.js'

/**
 * The key lifecycle: generate a pair, regenerate a slot (with an optional grace period), revoke.
 * Each operation is one transaction with its audit row; the invalidation goes out after the
 * commit, so the next request on any instance sees the change. Callers are admins (the GraphQL
 * fields' `admin` scope); the business is always the caller's.
 */

export const REGENERATE_WARNING =
  'This cannot be undone. Regenerating this API Key will remove any API access using the old key.'
export const REGENERATED_MESSAGE = 'API Key has been regenerated'
/** Seven days: the longest an old key may keep working after a regeneration. */
export const MAX_GRACE_SECONDS = 604_800

/** After the commit, wakes this instance's webhook loop when the change queued deliveries (others hear NOTIFY). */
const wakeWebhooks = (context: Context, queued: number) => {
  if (queued > 0) context.services.webhooks?.wake()
}

/** A key just created: every form of it (shown once) and its listing row. */
export type IssuedKey = GeneratedApiKey & { row: ApiKeyRow }

/** Whose keys: a member or user of the caller's business (`field` names the input for errors). */
export interface OwnerRef {
  kind: PrincipalKind
  id: string
  field: string
}

function keyPepper(context: Context): Buffer {
  const credentials = context.services.credentials
  if (!credentials) throw new Error('API keys need the credential service (createAuthenticator)')
  return credentials.keyPepper
}

/** Inserts a key and reads it back in its listing shape. */
async function issue(trx: Kysely<Database>, principal: Principal, input: Parameters<typeof insertApiKey>[2]): Promise<IssuedKey> {
  const generated = await insertApiKey(trx, principal, input)
  const row = await findApiKey(trx, principal, { id: generated.id })
  if (!row) throw new Error('a key just inserted is missing')
  return { ...generated, row }
}

/** The owner, locked; NOT_FOUND when not in the caller's business, CONFLICT when deactivated. */
async function activeOwner(trx: Kysely<Database>, principal: Principal, ref: OwnerRef) {
  const owner = await findKeyOwner(trx, principal, ref)
  if (!owner) throw notFound(principalTypeName(ref.kind), ref.field)
  if (!owner.active) throw conflict(`This ${principalTypeName(ref.kind)} is deactivated: reactivate it before issuing keys.`)
  return owner
}

/** Creates the Primary and Secondary key; CONFLICT while the owner holds a working pair. */
export async function generateKeyPair(
  context: Context,
  input: { owner: OwnerRef; description: string; expiresAt: Date | null; allowedNetworks: string[] },
): Promise<{ primary: IssuedKey; secondary: IssuedKey }> {
  const principal = requirePrincipal(context)
  const pepper = keyPepper(context)
  let queued = 0
  const pair = await inTransaction(context, async (trx) => {
    queued = 0
    const owner = await activeOwner(trx, principal, input.owner)
    if ((await currentKeysOf(trx, principal, owner.id)).length > 0) {
      throw conflict('This owner already has a working key pair: rotate it with regenerateApiKeys, or revoke it first.')
    }
    const common = { ownerId: owner.id, description: input.description, expiresAt: input.expiresAt, allowedNetworks: input.allowedNetworks, pepper }
    const primary = await issue(trx, principal, { ...common, slot: 'PRIMARY' })
    const secondary = await issue(trx, principal, { ...common, slot: 'SECONDARY' })
    for (const key of [primary, secondary]) queued += await appendSecurityEvent(trx, principal.businessId, 'api_key.created', key.row.id)
    await auditRequestChange(trx, context, 'api_keys.generate', { type: principalTypeName(owner.kind), id: owner.id }, {
      publicKeys: [primary.publicKey, secondary.publicKey],
      description: input.description,
      expiresAt: input.expiresAt,
      allowedNetworks: input.allowedNetworks,
    })
    return { primary, secondary }
  })
  wakeWebhooks(context, queued)
  return pair
}

/**
 * Replaces the key(s) in a slot. Without `confirm` nothing changes (CONFIRMATION_REQUIRED, asked
 * only once the change is possible). The old key stops at once, or `graceSeconds` later.
 */
export async function regenerateKeys(
  context: Context,
  input: { owner: OwnerRef; slot: KeySlot | 'BOTH'; confirm: boolean; graceSeconds: number; expiresAt: Date | null },
): Promise<{ primary: IssuedKey | null; secondary: IssuedKey | null; oldKeysStopAt: Date }> {
  const principal = requirePrincipal(context)
  const pepper = keyPepper(context)
  const slots: KeySlot[] = input.slot === 'BOTH' ? ['PRIMARY', 'SECONDARY'] : [input.slot]
  let queued = 0
  const { result, retired } = await inTransaction(context, async (trx) => {
    queued = 0
    const owner = await activeOwner(trx, principal, input.owner)
    const current = await currentKeysOf(trx, principal, owner.id)
    if (current.length === 0) throw conflict('This owner has no working keys to regenerate: create them with generateApiKeys.')
    if (input.confirm !== true) throw confirmationRequired(REGENERATE_WARNING)
    const stopAt = new Date(Date.now() + input.graceSeconds * 1000)
    const old = current.filter((key) => slots.includes(key.slot))
    const retired = await retireApiKeys(trx, principal, old.map((key) => key.id), stopAt)
    const issued: Partial<Record<KeySlot, IssuedKey>> = {}
    for (const slot of slots) {
      // A slot whose key was revoked earlier gets a fresh key described (and restricted) like its
      // partner: a rotation never silently drops a network restriction.
      const replaced = old.find((key) => key.slot === slot)
      issued[slot] = await issue(trx, principal, {
        ownerId: owner.id,
        slot,
        description: (replaced ?? current[0]!).description,
        allowedNetworks: (replaced ?? current[0]!).allowed_networks,
        expiresAt: input.expiresAt ?? replaced?.expires_at ?? null,
        pepper,
      })
      // About the new key; the one it replaces is named in the audit trail.
      queued += await appendSecurityEvent(trx, principal.businessId, 'api_key.regenerated', issued[slot].row.id)
    }
    await auditRequestChange(trx, context, 'api_keys.regenerate', { type: principalTypeName(owner.kind), id: owner.id }, {
      slot: input.slot,
      graceSeconds: input.graceSeconds,
      retiredPublicKeys: retired,
      newPublicKeys: Object.values(issued).map((key) => key.publicKey),
      oldKeysStopAt: stopAt.toISOString(),
    })
    return { result: { primary: issued.PRIMARY ?? null, secondary: issued.SECONDARY ?? null, oldKeysStopAt: stopAt }, retired }
  })
  for (const publicKey of retired) await invalidateCredentials(context.services, { publicKey })
  wakeWebhooks(context, queued)
  return result
}

/**
 * Changes what describes and restricts an owner's working pair: its description and the networks
 * it may be used from (both keys alike, and any key still in a regeneration's grace period). The
 * change applies from the next request everywhere. Answers the current pair.
 */
export async function updateKeyPair(
  context: Context,
  input: { owner: OwnerRef; description?: string; allowedNetworks?: string[] },
): Promise<ApiKeyRow[]> {
  const principal = requirePrincipal(context)
  const { rows, changed } = await inTransaction(context, async (trx) => {
    const owner = await activeOwner(trx, principal, input.owner)
    // Keys still in a regeneration's grace period work too: a restriction must hold them as well
    // (restricting a pair right after rotating it away from a leak is the usual order of events).
    const working = await currentKeysOf(trx, principal, owner.id, { retiring: true })
    const current = working.filter((key) => key.revoked_at === null)
    if (current.length === 0) throw conflict('This owner has no working keys to update: create them with generateApiKeys.')
    const changed = await updateApiKeys(trx, principal, working.map((key) => key.id), input)
    const before = current[0]!
    const changes = changesOf(
      { description: before.description, allowedNetworks: before.allowed_networks },
      { description: input.description, allowedNetworks: input.allowedNetworks },
    )
    if (changes.fields.length > 0) {
      await auditRequestChange(trx, context, 'api_keys.update', { type: principalTypeName(owner.kind), id: owner.id }, {
        publicKeys: changed,
        ...changes,
      })
    }
    const rows = await loadApiKeys(trx, principal, current.map((key) => key.id))
    return { rows: current.flatMap((key) => rows.get(key.id) ?? []), changed }
  })
  for (const publicKey of changed) await invalidateCredentials(context.services, { publicKey })
  return rows
}

/** Stops a key now (ending a grace period early, too). Revoking a revoked key changes nothing. */
export async function revokeKey(context: Context, by: { id: string } | { publicKey: string }): Promise<ApiKeyRow> {
  const principal = requirePrincipal(context)
  let queued = 0
  const key = await inTransaction(context, async (trx) => {
    queued = 0
    const key = await findApiKey(trx, principal, by)
    if (!key) throw notFound('ApiKey', 'id' in by ? 'input.id' : 'input.publicKey')
    const changed = await retireApiKeys(trx, principal, [key.id], new Date())
    if (changed.length > 0) {
      queued = await appendSecurityEvent(trx, principal.businessId, 'api_key.revoked', key.id)
      await auditRequestChange(trx, context, 'api_keys.revoke', { type: 'ApiKey', id: key.id }, { publicKey: key.public_key, owner: { type: principalTypeName(key.owner_kind), id: key.owner_id } })
    }
    return (await findApiKey(trx, principal, { id: key.id }))!
  })
  await invalidateCredentials(context.services, { publicKey: key.public_key })
  wakeWebhooks(context, queued)
  return key
}
