import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type {
  ApiKeyLookupsTable, ApiKeyUsageTable, IdempotencyKeysTable, LoginEmailsTable, ServerSecretsTable, SessionTokensTable, SignInThrottlesTable,
} from './lookup-tables.js'
import type { BulkExportsTable } from './export-tables.js'
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEndpointsTable, WebhookEventsTable } from './webhook-tables.js'

/**
 * Column types as both drivers return them (see database.ts): int8 ids and numerics as exact
 * strings, dates as 'YYYY-MM-DD' strings, timestamps as Date.
 */
export type Id = ColumnType<string, string | number | bigint, string | number | bigint>
type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Money = ColumnType<string, string | number, string | number>
/** Order totals default to 0 until lines are priced. */
type Totals = ColumnType<string, string | number | undefined, string | number>
type Json<T> = ColumnType<T, string, string>

export interface BusinessesTable {
  id: GeneratedId
  name: string
  slug: string
  /** The business-wide cost budget an admin set; null: the server's default (none unless configured). */
  cost_limit: Generated<number | null>
  cost_restore_rate: Generated<number | null>
  created_at: Generated<Date>
  updated_at: Generated<Date>
}

export interface TeamsTable {
  business_id: Id
  id: GeneratedId
  name: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SecurityRolesTable {
  business_id: Id
  id: GeneratedId
  name: string
  is_builtin: Generated<boolean>
  permissions: Json<Record<string, Record<string, string>>>
  created_at: Timestamp
  updated_at: Timestamp
}

export type PrincipalKind = 'USER' | 'API_MEMBER'

export interface PrincipalsTable {
  business_id: Id
  id: GeneratedId
  kind: PrincipalKind
  name: string
  email: string | null
  password_hash: string | null
  description: Generated<string>
  role_id: Id
  team_id: Id | null
  active: Generated<boolean>
  /** The cost budget an admin set for this principal; null: the server's default. */
  cost_limit: Generated<number | null>
  cost_restore_rate: Generated<number | null>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SessionsTable {
  business_id: Id
  id: GeneratedId
  user_id: Id
  token_hash: string
  created_at: Timestamp
  expires_at: Timestamp
  revoked_at: Timestamp | null
}

export type KeySlot = 'PRIMARY' | 'SECONDARY'

export interface ApiKeysTable {
  business_id: Id
  id: GeneratedId
  owner_id: Id
  public_key: string
  secret_hash: string
  slot: KeySlot
  description: Generated<string>
  created_by: Id | null
  created_at: Timestamp
  last_used_at: Timestamp | null
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  /** CIDR blocks (or single addresses) the key may be used from; empty: anywhere. Kept across regeneration. */
  allowed_networks: Generated<string[]>
}

export interface AuditEventsTable {
  business_id: Id
  id: GeneratedId
  occurred_at: Timestamp
  actor_id: Id | null
  credential: string | null
  action: string
  target_type: string | null
  target_id: string | null
  request_id: string | null
  client_address: string | null
  details: ColumnType<Record<string, unknown>, string | undefined, string>
}

export interface BusinessCountersTable {
  business_id: Id
  name: string
  last_value: ColumnType<string, string | number | undefined, string | number>
}

interface Versioned {
  version: Generated<number>
  created_at: Timestamp
  updated_at: Timestamp
  deleted_at: Timestamp | null
}

export type ContactType = 'CLIENT' | 'PROSPECT'
export interface ContactPoint {
  label: string
  value: string
}
export interface PostalAddress {
  label: string
  line1: string
  line2?: string | null
  city: string
  region?: string | null
  postalCode?: string | null
  country: string
}

export interface ContactsTable extends Versioned {
  business_id: Id
  id: GeneratedId
  type: ContactType
  first_name: Generated<string>
  last_name: Generated<string>
  company: string | null
  title: string | null
  emails: ColumnType<ContactPoint[], string | undefined, string>
  phones: ColumnType<ContactPoint[], string | undefined, string>
  addresses: ColumnType<PostalAddress[], string | undefined, string>
  owner_id: Id | null
}

export interface SuppliersTable extends Versioned {
  business_id: Id
  id: GeneratedId
  name: string
  email: string | null
  phone: string | null
}

export type JobStatus = 'WIP' | 'PENDING' | 'SUBMITTED' | 'CLOSED'
export interface JobsTable extends Versioned {
  business_id: Id
  id: GeneratedId
  number: number
  name: string
  status: JobStatus
  client_id: Id | null
  owner_id: Id | null
  in_hands_date: string | null
}

export type SalesOrderStatus = 'PENDING' | 'OPEN' | 'INVOICED' | 'PAID'
export interface SalesOrdersTable extends Versioned {
  business_id: Id
  id: GeneratedId
  number: number
  job_id: Id
  client_id: Id | null
  status: SalesOrderStatus
  order_date: Generated<string>
  due_date: string | null
  currency: string
  subtotal: Totals
  tax_total: Totals
  total: Totals
}

export interface SalesOrderLinesTable {
  business_id: Id
  sales_order_id: Id
  position: number
  sku: string | null
  description: string
  quantity: Money
  unit_price: Money
  tax_rate: Money
  amount: Money
}

export type PurchaseOrderStatus = 'DRAFT' | 'ORDERED' | 'RECEIVED' | 'BILLED' | 'CLOSED'
export interface PurchaseOrdersTable extends Versioned {
  business_id: Id
  id: GeneratedId
  number: number
  job_id: Id
  supplier_id: Id
  status: PurchaseOrderStatus
  order_date: Generated<string>
  expected_date: string | null
  currency: string
  subtotal: Totals
  tax_total: Totals
  total: Totals
}

export interface PurchaseOrderLinesTable {
  business_id: Id
  purchase_order_id: Id
  position: number
  sku: string | null
  description: string
  quantity: Money
  unit_cost: Money
  tax_rate: Money
  amount: Money
}

/** The whole database as kysely sees it. */
export interface Database {
  businesses: BusinessesTable
  teams: TeamsTable
  security_roles: SecurityRolesTable
  principals: PrincipalsTable
  sessions: SessionsTable
  api_keys: ApiKeysTable
  audit_events: AuditEventsTable
  business_counters: BusinessCountersTable
  contacts: ContactsTable
  suppliers: SuppliersTable
  jobs: JobsTable
  sales_orders: SalesOrdersTable
  sales_order_lines: SalesOrderLinesTable
  purchase_orders: PurchaseOrdersTable
  purchase_order_lines: PurchaseOrderLinesTable
  server_secrets: ServerSecretsTable
  idempotency_keys: IdempotencyKeysTable
  login_emails: LoginEmailsTable
  session_tokens: SessionTokensTable
  api_key_lookups: ApiKeyLookupsTable
  sign_in_throttles: SignInThrottlesTable
  api_key_usage: ApiKeyUsageTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_events: WebhookEventsTable
  webhook_deliveries: WebhookDeliveriesTable
  webhook_attempts: WebhookAttemptsTable
  bulk_exports: BulkExportsTable
}

export type Row<T extends keyof Database> = Selectable<Database[T]>
export type NewRow<T extends keyof Database> = Insertable<Database[T]>
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>
