import type { Row } from '../../db/types.js'
import { requirePrincipal } from '../../records/write/transaction.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { encodeGlobalId } from '../../graphql/global-id.js'
import { wantsTotalCount } from '../common/admin-pages.js'
import { listAuditEvents } from './audit-events.repository.js'

type AuditEventRow = Row<'audit_events'> & { actor_name: string | null; actor_kind: 'USER' | 'API_MEMBER' | null }

/**
 * Ids in an event's details, by key, and the type whose global id they are shown as. Events store
 * database ids (they are written deep inside transactions, and stay valid if the id format
 * changes); everything a client reads is a global id, the form every other field and argument takes.
 */
const DETAIL_ID_TYPES: Record<string, string> = { roleId: 'SecurityRole', teamId: 'Team' }

const globalIdIn = (type: string, value: unknown) => (typeof value === 'string' || typeof value === 'number' ? encodeGlobalId(type, String(value)) : value)

/** The details with their database ids (top level, `{type, id}` pairs, and in `changes: {field: {from, to}}`) as global ids. */
function detailsForClients(details: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = { ...details }
  for (const [key, type] of Object.entries(DETAIL_ID_TYPES)) {
    if (key in shown) shown[key] = globalIdIn(type, shown[key])
  }
  // A record named by type and id (`owner: {type, id}`).
  for (const [key, value] of Object.entries(shown)) {
    const named = value as { type?: unknown; id?: unknown } | null
    if (named && typeof named === 'object' && typeof named.type === 'string' && typeof named.id === 'string') {
      shown[key] = { ...named, id: globalIdIn(named.type, named.id) }
    }
  }
  const changes = details.changes as Record<string, { from: unknown; to: unknown }> | undefined
  if (changes && typeof changes === 'object') {
    shown.changes = Object.fromEntries(
      Object.entries(changes).map(([field, change]) => {
        const type = DETAIL_ID_TYPES[field]
        return [field, type ? { from: globalIdIn(type, change?.from), to: globalIdIn(type, change?.to) } : change]
      }),
    )
  }
  return shown
}

interface Actor {
  id: string
  kind: 'USER' | 'API_MEMBER'
  name: string
}

const AuditActorRef = builder.objectRef<Actor>('AuditActor').implement({
  description: 'The user or API member who acted.',
  fields: (t) => ({
    id: t.id({
      description: 'Global id of the User or ApiMember.',
      resolve: (actor) => encodeGlobalId(actor.kind === 'USER' ? 'User' : 'ApiMember', actor.id),
    }),
    name: t.exposeString('name'),
  }),
})

export const AuditEventRef = builder.objectRef<AuditEventRow>('AuditEvent')
const AuditEventConnection = connectionOf(AuditEventRef, 'AuditEvent')

builder.node(AuditEventRef, {
  description: 'One entry of the audit log: who did what to which record, when, from where. It never holds a secret.',
  id: { resolve: (event) => event.id },
  fields: (t) => ({
    occurredAt: t.field({ type: 'DateTime', description: "When it happened: the start of the transaction that recorded it.", resolve: (event) => event.occurred_at }),
    action: t.exposeString('action', { description: 'What happened, e.g. `member.update`, `role.delete`, `auth.sign_in_failed`.' }),
    actor: t.field({
      type: AuditActorRef,
      nullable: true,
      description: 'Who acted; null for an anonymous attempt (a failed sign-in).',
      resolve: (event) =>
        event.actor_id && event.actor_kind ? { id: event.actor_id, kind: event.actor_kind, name: event.actor_name ?? '' } : null,
    }),
    credential: t.exposeString('credential', {
      nullable: true,
      description: 'Which credential acted: `session:<id>` or `api_key:<publicKey>`. Never a secret.',
    }),
    targetType: t.exposeString('target_type', { nullable: true, description: 'The kind of record acted on, e.g. `ApiMember`.' }),
    targetId: t.string({
      nullable: true,
      description: 'The global id of the record acted on (`node(id:)` fetches it while it exists).',
      resolve: (event) => (event.target_id && event.target_type ? encodeGlobalId(event.target_type, event.target_id) : event.target_id),
    }),
    requestId: t.exposeString('request_id', { nullable: true, description: 'The request id (the X-Request-Id header, or one generated).' }),
    clientAddress: t.exposeString('client_address', { nullable: true, description: "The caller's network address." }),
    details: t.field({
      type: 'JSONObject',
      description: 'What changed: field names and non-secret values (`fields`, `changes: {field: {from, to}}`, …); ids in it are global ids.',
      resolve: (event) => detailsForClients((event.details ?? {}) as Record<string, unknown>),
    }),
  }),
})

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    action: t.string({ required: false, description: 'Only this action, e.g. `role.update` (at most 100 characters).', validate: { maxLength: 100 } }),
    since: t.field({ type: 'DateTime', required: false, description: 'Only events at or after this time.' }),
  }),
})

builder.queryFields((t) => ({
  auditEvents: t.field({
    type: AuditEventConnection,
    nullable: true,
    description:
      "The business's audit log, newest first (`first`/`after` go back in time; `last`/`before` forward). Admins only.",
    args: { ...pageArgs(t), filter: t.arg({ type: AuditEventFilter }) },
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listAuditEvents(context.db, requirePrincipal(context), args, wantsTotalCount(info, 'AuditEvent')) as never,
  }),
}))
