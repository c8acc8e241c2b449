import { auditRequestChange } from '../access/audit.js'
import { builder } from '../graphql/builder.js'
import { notFound } from '../graphql/errors.js'
import { idOfType, encodeGlobalId } from '../graphql/global-id.js'
import { connectionOf, pageArgs } from '../records/fields/connections.js'
import { requirePrincipal } from '../records/write/transaction.js'
import { DESCRIPTION_MAX, descriptionSchema } from '../admin/common/admin-input.js'
import { changesOf, inTransaction } from '../admin/common/admin-mutation.js'
import { wantsTotalCount } from '../admin/common/admin-pages.js'
import { findPrincipal } from '../admin/common/principals.repository.js'
import { ApiMemberRef } from '../admin/members/members.graphql.js'
import { WEBHOOK_EVENTS, checkEvents, checkMember, checkUrl } from './endpoint-input.js'
import { type EndpointRow, deleteEndpoint, findEndpoint, insertEndpoint, listEndpoints, rotateSecret, updateEndpoint } from './endpoints.repository.js'
import { announceDue } from '../records/write/outbox.js'
import { newSecret } from './signing.js'

/** The admin surface of webhook endpoints: list, create (the secret shown once), update, delete, rotate the secret. */

export const WebhookEndpointRef = builder.objectRef<EndpointRow>('WebhookEndpoint')
export const WebhookEndpointConnection = connectionOf(WebhookEndpointRef, 'WebhookEndpoint')

builder.node(WebhookEndpointRef, {
  description:
    'Where Gatehouse POSTs the events a business subscribed to, signed the Standard Webhooks way. Its API member\'s security role ' +
    'decides which records it hears of: an endpoint never hears of a record its member could not read.',
  id: { resolve: (endpoint) => endpoint.id },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'events' in value && 'member_id' in value,
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { description: `At most ${DESCRIPTION_MAX} characters.` }),
    events: t.exposeStringList('events', { description: `Subscribed events, among: ${WEBHOOK_EVENTS.join(', ')}.` }),
    member: t.field({
      type: ApiMemberRef,
      nullable: true,
      description: 'The API member whose security role decides what the endpoint may hear of.',
      resolve: (endpoint, _args, context) => findPrincipal(context.db, requirePrincipal(context), 'API_MEMBER', endpoint.member_id).then((row) => row ?? null),
    }),
    active: t.exposeBoolean('active', { description: 'False: nothing is sent (deliveries wait); set by an admin, or by Gatehouse after sustained failure.' }),
    disabledAt: t.field({ type: 'DateTime', nullable: true, description: 'When Gatehouse disabled the endpoint after sustained failure.', resolve: (e) => e.disabled_at }),
    disabledReason: t.exposeString('disabled_reason', { nullable: true, description: 'Why Gatehouse disabled the endpoint.' }),
    failingSince: t.field({ type: 'DateTime', nullable: true, description: 'Start of the current run of failed deliveries; null while healthy.', resolve: (e) => e.failing_since }),
    previousSecretExpiresAt: t.field({ type: 'DateTime', nullable: true, description: 'Until when the secret before the last rotation still signs too.', resolve: (e) => e.previous_secret_expires_at }),
    createdAt: t.field({ type: 'DateTime', resolve: (e) => e.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (e) => e.updated_at }),
  }),
})

const WebhookEndpointWithSecret = builder.objectRef<{ endpoint: EndpointRow; secret: string }>('WebhookEndpointWithSecret').implement({
  description: 'An endpoint and its signing secret, shown this once.',
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointRef, resolve: (result) => result.endpoint }),
    secret: t.exposeString('secret', { description: '`whsec_…` (Standard Webhooks): verify deliveries with it. Shown only now.' }),
  }),
})

const EVENTS_DESCRIPTION = `Events to send, among: ${WEBHOOK_EVENTS.join(', ')}.`
const URL_DESCRIPTION = 'http(s) URL (HTTPS in production); loopback, private and link-local targets are refused.'

const CreateInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: URL_DESCRIPTION, validate: { maxLength: 2000 } }),
    events: t.stringList({ required: true, description: EVENTS_DESCRIPTION, validate: { maxLength: 50 } }),
    memberId: t.id({ required: true, description: 'An active API member of the business: its role decides what the endpoint hears of.' }),
    description: t.string({ required: false, description: `At most ${DESCRIPTION_MAX} characters.`, validate: { schema: descriptionSchema } }),
  }),
})
const UpdateInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'Fields left out (or null) stay as they are. `active: true` re-enables an endpoint Gatehouse disabled.',
  fields: (t) => ({
    id: t.id({ required: true }),
    url: t.string({ required: false, description: URL_DESCRIPTION, validate: { maxLength: 2000 } }),
    events: t.stringList({ required: false, description: EVENTS_DESCRIPTION, validate: { maxLength: 50 } }),
    memberId: t.id({ required: false }),
    description: t.string({ required: false, validate: { schema: descriptionSchema } }),
    active: t.boolean({ required: false }),
  }),
})
const IdInput = builder.inputType('DeleteWebhookEndpointInput', { fields: (t) => ({ id: t.id({ required: true }) }) })
const RotateInput = builder.inputType('RotateWebhookSecretInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    overlapSeconds: t.int({
      required: false,
      description: 'How long the old secret keeps signing beside the new one (default 86,400; at most 604,800; 0: it stops at once).',
      validate: { min: 0, max: 604_800 },
    }),
  }),
})

const DeletePayload = builder.objectRef<{ deletedId: string }>('DeleteWebhookEndpointPayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
})

const endpointId = (globalId: string) => idOfType(globalId, 'WebhookEndpoint', 'input.id')

builder.queryFields((t) => ({
  webhookEventTypes: t.stringList({
    nullable: true,
    description: 'Every event an endpoint may subscribe to, in the order the admin console lists them. Admins only.',
    authScopes: { admin: true },
    resolve: () => [...WEBHOOK_EVENTS],
  }),
  webhookEndpoints: t.field({
    type: WebhookEndpointConnection,
    nullable: true,
    description: "The business's webhook endpoints, in creation order. Admins only.",
    args: pageArgs(t),
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listEndpoints(context.db, requirePrincipal(context), args, wantsTotalCount(info, 'WebhookEndpoint')) as never,
  }),
}))

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WebhookEndpointWithSecret,
    description: 'Registers a webhook endpoint; answers its signing secret this once. Admins only.',
    args: { input: t.arg({ type: CreateInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const url = await checkUrl(context, input.url)
      const events = checkEvents(input.events)
      return inTransaction(context, async (trx, principal) => {
        const memberId = await checkMember(trx, principal, input.memberId)
        const secret = newSecret()
        const endpoint = await insertEndpoint(trx, principal, { url, events, memberId, description: input.description ?? '', secret })
        await auditRequestChange(trx, context, 'webhook.create', { type: 'WebhookEndpoint', id: endpoint.id }, { url, events, memberId })
        return { endpoint, secret }
      })
    },
  }),

  updateWebhookEndpoint: t.field({
    type: WebhookEndpointRef,
    description: 'Changes a webhook endpoint. Admins only.',
    args: { input: t.arg({ type: UpdateInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = endpointId(input.id)
      const url = input.url != null ? await checkUrl(context, input.url) : undefined
      const events = input.events != null ? checkEvents(input.events) : undefined
      let switchedOn = false
      const updated = await inTransaction(context, async (trx, principal) => {
        const before = await findEndpoint(trx, principal, id, true)
        if (!before) throw notFound('WebhookEndpoint', 'input.id')
        const memberId = input.memberId != null ? await checkMember(trx, principal, input.memberId) : undefined
        const patch = { url, events, memberId, description: input.description ?? undefined, active: input.active ?? undefined }
        const after = await updateEndpoint(trx, principal, id, patch)
        const diff = changesOf({ url: before.url, events: before.events, memberId: before.member_id, description: before.description, active: before.active }, patch)
        if (diff.fields.length > 0) await auditRequestChange(trx, context, 'webhook.update', { type: 'WebhookEndpoint', id }, diff)
        // Switched on: its waiting deliveries are due now, and no loop had a timer set for them.
        switchedOn = !before.active && after.active
        if (switchedOn) await announceDue(trx)
        return after
      })
      if (switchedOn) context.services.webhooks?.wake()
      return updated
    },
  }),

  deleteWebhookEndpoint: t.field({
    type: DeletePayload,
    description: 'Deletes a webhook endpoint and its pending deliveries. Admins only.',
    args: { input: t.arg({ type: IdInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      inTransaction(context, async (trx, principal) => {
        const id = endpointId(input.id)
        const before = await findEndpoint(trx, principal, id, true)
        if (!before) throw notFound('WebhookEndpoint', 'input.id')
        await deleteEndpoint(trx, principal, id)
        await auditRequestChange(trx, context, 'webhook.delete', { type: 'WebhookEndpoint', id }, { url: before.url })
        return { deletedId: encodeGlobalId('WebhookEndpoint', id) }
      }),
  }),

  rotateWebhookSecret: t.field({
    type: WebhookEndpointWithSecret,
    description:
      'Gives the endpoint a new signing secret, answered this once. The old one keeps signing beside it (a second `v1,` signature) ' +
      'for `overlapSeconds`, so receivers can switch without losing a delivery. Admins only.',
    args: { input: t.arg({ type: RotateInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      inTransaction(context, async (trx, principal) => {
        const id = endpointId(input.id)
        if (!(await findEndpoint(trx, principal, id, true))) throw notFound('WebhookEndpoint', 'input.id')
        const secret = newSecret()
        const overlapSeconds = input.overlapSeconds ?? 86_400
        const endpoint = await rotateSecret(trx, principal, id, secret, overlapSeconds)
        await auditRequestChange(trx, context, 'webhook.rotate_secret', { type: 'WebhookEndpoint', id }, { overlapSeconds })
        return { endpoint, secret }
      }),
  }),
}))
