import { badInput, notFound } from '../graphql/errors.js'
import { idOfType } from '../graphql/global-id.js'
import type { Context } from '../context.js'
import type { Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import type { Principal } from '../access/principal.js'
import { findPrincipal } from '../admin/common/principals.repository.js'
import { BULK_EXPORT_EVENT, SECURITY_EVENTS } from '../records/write/outbox.js'
import { resolveTarget, urlProblem } from './targets.js'

/** The checks an endpoint's input passes before it is saved: its URL, its events, its member. */

const RECORD_TYPES = ['job', 'sales_order', 'purchase_order', 'supplier', 'contact'] as const
/** Every event an endpoint may subscribe to: `<record>.<created|updated|deleted>`, the opt-in security events, and `bulk_export.finished`. */
export const WEBHOOK_EVENTS: readonly string[] = [
  ...RECORD_TYPES.flatMap((type) => ['created', 'updated', 'deleted'].map((action) => `${type}.${action}`)),
  ...SECURITY_EVENTS,
  // Heard only by endpoints whose member started the export (records/write/outbox.ts).
  BULK_EXPORT_EVENT,
]

/**
 * BAD_USER_INPUT on `input.url` unless the URL is http(s) (https in production), without
 * credentials, and its host is not and does not resolve to a loopback, private, link-local or
 * metadata address (unless GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=1).
 */
export async function checkUrl(context: Context, url: string): Promise<string> {
  const { config } = context.services
  const rules = { production: config.NODE_ENV === 'production', allowPrivate: config.GATEHOUSE_WEBHOOK_ALLOW_PRIVATE }
  const problem = urlProblem(url, rules)
  if (problem) throw badInput(`url: ${problem}`, 'input.url')
  // With private targets allowed there is no range to check before a delivery looks the host up.
  if (rules.allowPrivate) return new URL(url).toString()
  try {
    await resolveTarget(new URL(url), rules)
  } catch (error) {
    throw badInput(`url: refused: ${(error as Error).message} (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=1 allows private targets).`, 'input.url')
  }
  return new URL(url).toString()
}

/** BAD_USER_INPUT on `input.events` for an empty list or an unknown event; the list, deduplicated and sorted. */
export function checkEvents(events: readonly string[]): string[] {
  const unknown = events.filter((event) => !WEBHOOK_EVENTS.includes(event))
  if (unknown.length > 0) throw badInput(`events: unknown event ${JSON.stringify(unknown[0]).slice(0, 60)}; known: ${WEBHOOK_EVENTS.join(', ')}.`, 'input.events')
  if (events.length === 0) throw badInput('events: name at least one event.', 'input.events')
  return [...new Set(events)].sort()
}

/** The API member whose security role decides what the endpoint may see: one of the business's, active. */
export async function checkMember(trx: Kysely<Database>, principal: Principal, memberId: string): Promise<string> {
  const id = idOfType(memberId, 'ApiMember', 'input.memberId')
  const member = await findPrincipal(trx, principal, 'API_MEMBER', id)
  if (!member) throw notFound('ApiMember', 'input.memberId')
  if (!member.active) throw badInput('memberId: the API member is deactivated.', 'input.memberId')
  return id
}
