import type { Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import type { Principal } from './principal.js'

/** Everything the audit log records. Add new actions here. */
export type AuditAction =
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_in_locked'
  | 'auth.sign_in_unlocked'
  | 'auth.sign_out'
  | 'api_keys.generate'
  | 'api_keys.regenerate'
  | 'api_keys.revoke'
  | 'api_keys.update'
  | 'api_keys.network_refused'
  | 'rate_limit.update'
  | 'member.create'
  | 'member.update'
  | 'user.create'
  | 'user.update'
  | 'user.password_change'
  | 'user.password_reset'
  | 'role.create'
  | 'role.update'
  | 'role.delete'
  | 'team.create'
  | 'record.create'
  | 'record.update'
  | 'record.delete'
  | 'webhook.create'
  | 'webhook.update'
  | 'webhook.delete'
  | 'webhook.rotate_secret'
  | 'webhook.redeliver'
  | 'webhook.replay'
  | 'webhook.disabled'

export interface AuditEvent {
  businessId: string
  action: AuditAction
  /** The principal who acted; null for an anonymous failure (a sign-in with a wrong password). */
  actorId: string | null
  /** Which credential acted: `session:<id>` or `api_key:<publicKey>`. Never a secret. */
  credential: string | null
  targetType?: string | null
  targetId?: string | null
  requestId?: string | null
  clientAddress?: string | null
  /** What changed. Callers pass field names and non-secret values only. */
  details?: Record<string, unknown>
}

/** Appends one event to the audit log (inside the caller's transaction when given one). */
export async function recordAudit(db: Kysely<Database>, event: AuditEvent): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      business_id: event.businessId,
      action: event.action,
      actor_id: event.actorId,
      credential: event.credential,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      request_id: event.requestId ?? null,
      client_address: event.clientAddress ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute()
}

/** Where an audit row points: the GraphQL type name and the database id of what changed. */
export interface AuditTarget {
  type: string
  id: string
}

/**
 * Appends the audit event of a change a request made (inside its transaction): the business and
 * the actor come from the request, so no call site builds them by hand. `details` holds field
 * names and non-secret values only.
 */
export async function auditRequestChange(
  db: Kysely<Database>,
  request: AuditRequest,
  action: AuditAction,
  target: AuditTarget,
  details: Record<string, unknown> = {},
): Promise<void> {
  if (!request.principal) throw new Error('an audited change needs the principal that made it')
  await recordAudit(db, {
    businessId: request.principal.businessId,
    action,
    ...auditActor(request),
    targetType: target.type,
    targetId: target.id,
    details,
  })
}

/** Who acted in a request: what a request context carries. */
export interface AuditRequest {
  principal: Principal | null
  requestId: string
  clientAddress: string | null
}

/** The actor fields of an audit event, from a request's context. */
export function auditActor(context: AuditRequest): Pick<AuditEvent, 'actorId' | 'credential' | 'requestId' | 'clientAddress'> {
  const credential = context.principal?.credential
  return {
    actorId: context.principal?.id ?? null,
    credential: !credential
      ? null
      : credential.kind === 'session'
        ? `session:${credential.sessionId}`
        : `api_key:${credential.publicKey}`,
    requestId: context.requestId,
    clientAddress: context.clientAddress,
  }
}
