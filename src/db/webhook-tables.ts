import type { ColumnType, Generated } from 'kysely'
import type { Id, Timestamp } from './types.js'

/** Webhook endpoints, the outbox and its deliveries (migration 2026-12-07T06-00-00; src/webhooks/). */

type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>

export interface WebhookEndpointsTable {
  business_id: Id
  id: GeneratedId
  url: string
  description: Generated<string>
  events: string[]
  member_id: Id
  active: Generated<boolean>
  /** `whsec_…`: kept as written, since signing needs it (never logged, never shown again). */
  secret: string
  previous_secret: string | null
  previous_secret_expires_at: Timestamp | null
  failing_since: Timestamp | null
  disabled_at: Timestamp | null
  disabled_reason: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface WebhookEventsTable {
  business_id: Id
  id: GeneratedId
  type: string
  record_type: string
  record_id: Id
  version: number
  occurred_at: Timestamp
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'DEAD' | 'SKIPPED'

export interface WebhookDeliveriesTable {
  business_id: Id
  id: GeneratedId
  endpoint_id: Id
  event_id: Id
  message_id: string
  record_key: string
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>
  attempts: Generated<number>
  next_attempt_at: Timestamp
  claimed_until: Timestamp | null
  last_attempt_at: Timestamp | null
  last_response_status: number | null
  last_latency_ms: number | null
  last_error: string | null
  created_at: Timestamp
  delivered_at: Timestamp | null
}

export interface WebhookAttemptsTable {
  business_id: Id
  delivery_id: Id
  attempt: number
  attempted_at: Timestamp
  response_status: number | null
  latency_ms: number
  error: string | null
}
