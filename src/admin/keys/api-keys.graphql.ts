import { z } from 'zod'
import { requirePrincipal } from '../../records/write/transaction.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { notFound } from '../../graphql/errors.js'
import { decodeGlobalId, idOfType } from '../../graphql/global-id.js'
import { DESCRIPTION_MAX, descriptionSchema } from '../common/admin-input.js'
import { wantsTotalCount } from '../common/admin-pages.js'
import { isPublicKey } from '../../access/credentials/api-keys.js'
import { type ApiKeyRow, listApiKeys } from './api-keys.repository.js'
import { ALLOWED_NETWORKS_DESCRIPTION, networksOf } from './networks-input.js'
import {
  type IssuedKey,
  MAX_GRACE_SECONDS,
  type OwnerRef,
  REGENERATED_MESSAGE,
  REGENERATE_WARNING,
  generateKeyPair,
  regenerateKeys,
  revokeKey,
} from './api-keys.service.js'
import { PrincipalSummaryRef } from '../../graphql/principal-summary.js'

/**
 * API keys for admins: `apiKeys`, `generateApiKeys`, `regenerateApiKeys`, `revokeApiKey`. Every
 * field needs the `admin` scope (a signed-in admin user; never a key). The lifecycle itself lives
 * in api-keys.service.ts; this file is the GraphQL surface: types, inputs and their limits.
 */

const ApiKeySlotEnum = builder.enumType('ApiKeySlot', {
  values: {
    PRIMARY: { value: 'PRIMARY', description: 'The Primary key of the pair.' },
    SECONDARY: { value: 'SECONDARY', description: 'The Secondary key of the pair.' },
  } as const,
})

const ApiKeySlotChoiceEnum = builder.enumType('ApiKeySlotChoice', {
  values: {
    PRIMARY: { value: 'PRIMARY' },
    SECONDARY: { value: 'SECONDARY' },
    BOTH: { value: 'BOTH' },
  } as const,
})

const isWorking = (key: ApiKeyRow, now = Date.now()) =>
  (key.revoked_at === null || key.revoked_at.getTime() > now) && (key.expires_at === null || key.expires_at.getTime() > now)

export const ApiKeyRef = builder.objectRef<ApiKeyRow>('ApiKey')
const ApiKeyConnection = connectionOf(ApiKeyRef, 'ApiKey')

builder.node(ApiKeyRef, {
  description: 'An API key, as listings show it forever: never its secret.',
  id: { resolve: (key) => key.id },
  fields: (t) => ({
    publicKey: t.exposeString('public_key', { description: 'The public half: a random id, safe to show and log.' }),
    description: t.exposeString('description'),
    slot: t.field({ type: ApiKeySlotEnum, resolve: (key) => key.slot }),
    owner: t.field({
      type: PrincipalSummaryRef,
      description: 'The API member or user the key acts as.',
      resolve: (key) => ({ id: key.owner_id, kind: key.owner_kind, name: key.owner_name }),
    }),
    createdBy: t.field({
      type: PrincipalSummaryRef,
      nullable: true,
      resolve: (key) =>
        key.created_by && key.creator_kind ? { id: key.created_by, kind: key.creator_kind, name: key.creator_name ?? '' } : null,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (key) => key.created_at }),
    lastUsedAt: t.field({ type: 'DateTime', nullable: true, description: 'Recorded at most once a minute.', resolve: (key) => key.last_used_at }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (key) => key.expires_at }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the key stopped (or, during a regeneration grace period, will stop) working.',
      resolve: (key) => key.revoked_at,
    }),
    active: t.boolean({ description: 'Works right now: neither revoked nor expired.', resolve: (key) => isWorking(key) }),
    allowedNetworks: t.stringList({ description: ALLOWED_NETWORKS_DESCRIPTION, resolve: (key) => key.allowed_networks }),
  }),
})

type Issued = IssuedKey

const IssuedApiKeyRef = builder.objectRef<Issued>('IssuedApiKey').implement({
  description: 'A key just created. `key` and `privateKey` are shown this once and never again: store them now.',
  fields: (t) => ({
    publicKey: t.exposeString('publicKey'),
    key: t.exposeString('key', { description: 'The whole key, for `Authorization: Bearer` and `X-API-Key`: "gk_" + publicKey + privateKey.' }),
    privateKey: t.exposeString('privateKey', {
      description: 'The private part, for `Authorization: Basic base64("<business slug>+<publicKey>:<privateKey>")`.',
    }),
    slot: t.field({ type: ApiKeySlotEnum, resolve: (issued) => issued.row.slot }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, resolve: (issued) => issued.row.expires_at }),
    apiKey: t.field({ type: ApiKeyRef, description: 'The key as listings show it.', resolve: (issued) => issued.row }),
  }),
})

const GenerateApiKeysPayload = builder.objectRef<{ primary: Issued; secondary: Issued }>('GenerateApiKeysPayload').implement({
  fields: (t) => ({
    primary: t.field({ type: IssuedApiKeyRef, resolve: (payload) => payload.primary }),
    secondary: t.field({ type: IssuedApiKeyRef, resolve: (payload) => payload.secondary }),
  }),
})

interface Regenerated {
  primary: Issued | null
  secondary: Issued | null
  oldKeysStopAt: Date
}
const RegenerateApiKeysPayload = builder.objectRef<Regenerated>('RegenerateApiKeysPayload').implement({
  fields: (t) => ({
    message: t.string({ description: `Always "${REGENERATED_MESSAGE}".`, resolve: () => REGENERATED_MESSAGE }),
    primary: t.field({ type: IssuedApiKeyRef, nullable: true, description: 'The new Primary key, when it was regenerated.', resolve: (p) => p.primary }),
    secondary: t.field({ type: IssuedApiKeyRef, nullable: true, description: 'The new Secondary key, when it was regenerated.', resolve: (p) => p.secondary }),
    oldKeysStopAt: t.field({ type: 'DateTime', description: 'When the replaced keys stop working (now, or the end of the grace period).', resolve: (p) => p.oldKeysStopAt }),
  }),
})

// Exactly one owner: a member or a user. Checked by zod so the error names the field.
export const oneOwner: [(input: { memberId?: string | null; userId?: string | null }) => boolean, { message: string; path: string[] }] = [
  (input) => (input.memberId == null) !== (input.userId == null),
  { message: 'Give exactly one of memberId or userId.', path: ['memberId'] },
]
export const MEMBER_ID = 'The ApiMember whose keys these are (or give userId).'
export const USER_ID = 'The User whose keys these are (or give memberId).'

const GenerateApiKeysInput = builder.inputType('GenerateApiKeysInput', {
  fields: (t) => ({
    memberId: t.id({ required: false, description: MEMBER_ID }),
    userId: t.id({ required: false, description: USER_ID }),
    description: t.string({ required: true, description: `What the keys are for; at most ${DESCRIPTION_MAX} characters.`, validate: { schema: descriptionSchema } }),
    expiresAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'When both keys stop working; must be in the future. Omit for keys that do not expire.',
      validate: { refine: [(value) => value == null || value.getTime() > Date.now(), { message: 'Must be in the future.' }] },
    }),
    allowedNetworks: t.stringList({ required: false, description: ALLOWED_NETWORKS_DESCRIPTION }),
  }),
  validate: oneOwner,
})

const RegenerateApiKeysInput = builder.inputType('RegenerateApiKeysInput', {
  fields: (t) => ({
    memberId: t.id({ required: false, description: MEMBER_ID }),
    userId: t.id({ required: false, description: USER_ID }),
    slot: t.field({ type: ApiKeySlotChoiceEnum, required: true, description: 'Which key to replace: PRIMARY, SECONDARY or BOTH.' }),
    confirm: t.boolean({ required: true, description: `Must be true: "${REGENERATE_WARNING}" Without it nothing changes (CONFIRMATION_REQUIRED).` }),
    graceSeconds: t.int({
      required: false,
      description: `How long the old key keeps working, 0–${MAX_GRACE_SECONDS} seconds (7 days). Default 0: it stops at once.`,
      validate: { int: true, min: 0, max: MAX_GRACE_SECONDS },
    }),
    expiresAt: t.field({
      type: 'DateTime',
      required: false,
      description: 'Expiry of the new key(s); by default each inherits the expiry of the key it replaces.',
      validate: { refine: [(value) => value == null || value.getTime() > Date.now(), { message: 'Must be in the future.' }] },
    }),
  }),
  validate: oneOwner,
})

const RevokeApiKeyInput = builder.inputType('RevokeApiKeyInput', {
  fields: (t) => ({
    id: t.id({ required: false, description: 'The ApiKey id (or give publicKey).' }),
    publicKey: t.string({ required: false, description: 'The public key (or give id).', validate: { schema: z.string().max(64) } }),
  }),
  validate: [(input) => (input.id == null) !== (input.publicKey == null), { message: 'Give exactly one of id or publicKey.', path: ['id'] }],
})

const ApiKeyFilter = builder.inputType('ApiKeyFilter', {
  fields: (t) => ({
    ownerId: t.id({ required: false, description: 'Only keys of this ApiMember or User.' }),
    active: t.boolean({ required: false, description: 'true: only working keys; false: only revoked or expired ones.' }),
  }),
})

/** The owner named by an input's memberId or userId, as a principal kind and database id. */
export function ownerOf(input: { memberId?: string | null; userId?: string | null }): OwnerRef {
  return input.memberId != null
    ? { kind: 'API_MEMBER', id: idOfType(input.memberId, 'ApiMember', 'input.memberId'), field: 'input.memberId' }
    : { kind: 'USER', id: idOfType(input.userId ?? '', 'User', 'input.userId'), field: 'input.userId' }
}

builder.queryField('apiKeys', (t) =>
  t.field({
    type: ApiKeyConnection,
    nullable: true,
    description: 'Every API key of the business, in creation order, revoked and expired ones included; never a secret. Admins only.',
    args: { ...pageArgs(t), filter: t.arg({ type: ApiKeyFilter }) },
    authScopes: { admin: true },
    resolve: (_root, args, context, info) => {
      const principal = requirePrincipal(context)
      let ownerId: string | undefined
      if (args.filter?.ownerId != null) {
        const decoded = decodeGlobalId(args.filter.ownerId)
        // An id of another type or business simply matches no key.
        ownerId = decoded.typename === 'ApiMember' || decoded.typename === 'User' ? decoded.id : '0'
      }
      return listApiKeys(context.db, principal, args, { ownerId, active: args.filter?.active }, wantsTotalCount(info, 'ApiKey')) as never
    },
  }),
)

builder.mutationFields((t) => ({
  generateApiKeys: t.field({
    type: GenerateApiKeysPayload,
    description: 'Creates the Primary and Secondary key of a member or user. CONFLICT while it holds a working pair. Admins only.',
    args: { input: t.arg({ type: GenerateApiKeysInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      generateKeyPair(context, {
        owner: ownerOf(input),
        description: input.description,
        expiresAt: input.expiresAt ?? null,
        allowedNetworks: networksOf(input.allowedNetworks ?? []),
      }),
  }),
  regenerateApiKeys: t.field({
    type: RegenerateApiKeysPayload,
    description: `Replaces a member's or user's Primary, Secondary or both keys. Needs confirm: true ("${REGENERATE_WARNING}"). The old key stops at once, or after graceSeconds. Admins only.`,
    args: { input: t.arg({ type: RegenerateApiKeysInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      regenerateKeys(context, {
        owner: ownerOf(input),
        slot: input.slot,
        confirm: input.confirm,
        graceSeconds: input.graceSeconds ?? 0,
        expiresAt: input.expiresAt ?? null,
      }),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: 'Stops a key at once (also ending a regeneration grace period early). Revoking a revoked key changes nothing. Admins only.',
    args: { input: t.arg({ type: RevokeApiKeyInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) => {
      if (input.id != null) return revokeKey(context, { id: idOfType(input.id, 'ApiKey', 'input.id') })
      const publicKey = input.publicKey ?? ''
      if (!isPublicKey(publicKey)) throw notFound('ApiKey', 'input.publicKey')
      return revokeKey(context, { publicKey })
    },
  }),
}))
