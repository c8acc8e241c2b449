/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A field whose value is a Currency: https://en.wikipedia.org/wiki/ISO_4217. */
  Currency: { input: string; output: string; }
  /** A point in time, as an ISO 8601 string in UTC, e.g. "2026-11-25T10:00:00.000Z". */
  DateTime: { input: string; output: string; }
  /** An exact decimal number as a string, e.g. "1234.50". Money and quantities use it so no value is ever rounded through a float. */
  Decimal: { input: string; output: string; }
  /** A field whose value conforms to the standard internet email address format as specified in HTML Spec: https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address. */
  EmailAddress: { input: string; output: string; }
  /** The `JSONObject` scalar type represents JSON objects as specified by [ECMA-404](http://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf). */
  JSONObject: { input: Record<string, unknown>; output: Record<string, unknown>; }
  /** A local date string (i.e., with no associated timezone) in `YYYY-MM-DD` format, e.g. `2020-01-01`. */
  LocalDate: { input: string; output: string; }
};

/** An API key, as listings show it forever: never its secret. */
export type ApiKey = Node & {
  __typename?: 'ApiKey';
  /** Works right now: neither revoked nor expired. */
  active: Scalars['Boolean']['output'];
  /** IPv4/IPv6 addresses or CIDR blocks (e.g. "203.0.113.0/24", "2001:db8::/48") the keys may be used from, at most 50; from anywhere else a request is FORBIDDEN (and audited). Empty: anywhere. Regeneration keeps them. */
  allowedNetworks: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  createdBy?: Maybe<PrincipalSummary>;
  description: Scalars['String']['output'];
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** Recorded at most once a minute. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The API member or user the key acts as. */
  owner: PrincipalSummary;
  /** The public half: a random id, safe to show and log. */
  publicKey: Scalars['String']['output'];
  /** When the key stopped (or, during a regeneration grace period, will stop) working. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  slot: ApiKeySlot;
  /** The key's traffic per UTC day over the last 30 days, newest first; days without any are left out. Written in batches: up to a few seconds behind. */
  usage: Array<ApiKeyUsageDay>;
};

export type ApiKeyConnection = {
  __typename?: 'ApiKeyConnection';
  edges: Array<ApiKeyEdge>;
  nodes: Array<ApiKey>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type ApiKeyEdge = {
  __typename?: 'ApiKeyEdge';
  cursor: Scalars['String']['output'];
  node: ApiKey;
};

export type ApiKeyFilter = {
  /** true: only working keys; false: only revoked or expired ones. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only keys of this ApiMember or User. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
};

export type ApiKeySlot =
  /** The Primary key of the pair. */
  | 'PRIMARY'
  /** The Secondary key of the pair. */
  | 'SECONDARY';

export type ApiKeySlotChoice =
  | 'BOTH'
  | 'PRIMARY'
  | 'SECONDARY';

/** One UTC day of a key's traffic. */
export type ApiKeyUsageDay = {
  __typename?: 'ApiKeyUsageDay';
  day: Scalars['LocalDate']['output'];
  /** Answers that carried an error or an HTTP status of 400 or more, rate limiting aside. */
  errors: Scalars['Int']['output'];
  /** Requests refused with 429 RATE_LIMITED. */
  rateLimited: Scalars['Int']['output'];
  /** Every request made with the key (refused ones included). */
  requests: Scalars['Int']['output'];
};

/** An API member: a service account a partner integration acts as. Its security role decides what its keys may do; its team is what MY means for it. A deactivated member's keys stop at once. */
export type ApiMember = Node & {
  __typename?: 'ApiMember';
  /** False: every key of the member is refused. */
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** At most 500 characters. */
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** 1–100 characters. */
  name: Scalars['String']['output'];
  /** The size of this principal's cost bucket: its keys share one, its sessions another (null when metering is off). */
  rateLimitBudget?: Maybe<RateLimitBudget>;
  role: SecurityRole;
  team?: Maybe<Team>;
  updatedAt: Scalars['DateTime']['output'];
};

export type ApiMemberConnection = {
  __typename?: 'ApiMemberConnection';
  edges: Array<ApiMemberEdge>;
  nodes: Array<ApiMember>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type ApiMemberEdge = {
  __typename?: 'ApiMemberEdge';
  cursor: Scalars['String']['output'];
  node: ApiMember;
};

/** The user or API member who acted. */
export type AuditActor = {
  __typename?: 'AuditActor';
  /** Global id of the User or ApiMember. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** One entry of the audit log: who did what to which record, when, from where. It never holds a secret. */
export type AuditEvent = Node & {
  __typename?: 'AuditEvent';
  /** What happened, e.g. `member.update`, `role.delete`, `auth.sign_in_failed`. */
  action: Scalars['String']['output'];
  /** Who acted; null for an anonymous attempt (a failed sign-in). */
  actor?: Maybe<AuditActor>;
  /** The caller's network address. */
  clientAddress?: Maybe<Scalars['String']['output']>;
  /** Which credential acted: `session:<id>` or `api_key:<publicKey>`. Never a secret. */
  credential?: Maybe<Scalars['String']['output']>;
  /** What changed: field names and non-secret values (`fields`, `changes: {field: {from, to}}`, …); ids in it are global ids. */
  details: Scalars['JSONObject']['output'];
  id: Scalars['ID']['output'];
  /** When it happened: the start of the transaction that recorded it. */
  occurredAt: Scalars['DateTime']['output'];
  /** The request id (the X-Request-Id header, or one generated). */
  requestId?: Maybe<Scalars['String']['output']>;
  /** The global id of the record acted on (`node(id:)` fetches it while it exists). */
  targetId?: Maybe<Scalars['String']['output']>;
  /** The kind of record acted on, e.g. `ApiMember`. */
  targetType?: Maybe<Scalars['String']['output']>;
};

export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  edges: Array<AuditEventEdge>;
  nodes: Array<AuditEvent>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  cursor: Scalars['String']['output'];
  node: AuditEvent;
};

export type AuditEventFilter = {
  /** Only this action, e.g. `role.update` (at most 100 characters). */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Only events at or after this time. */
  since?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A bulk export: a read query run in the background as the principal that started it, written as JSONL (one object per line; nested connections flattened, each child naming its parent in `__parentId`). */
export type BulkExport = Node & {
  __typename?: 'BulkExport';
  /** Bytes written so far (the JSONL, uncompressed); exact up to 2^53. */
  bytes: Scalars['Float']['output'];
  /** When it completed, failed or was canceled. */
  completedAt?: Maybe<Scalars['DateTime']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** Why it FAILED: one of the contract's error codes. */
  errorCode?: Maybe<Scalars['String']['output']>;
  errorMessage?: Maybe<Scalars['String']['output']>;
  /** Until when `url` serves the file; then it is removed. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** Lines written so far. */
  objectCount: Scalars['Int']['output'];
  /** The query as it was sent. */
  query: Scalars['String']['output'];
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: BulkExportStatus;
  /** Path of the JSONL file on this server (GET, with the same credential that started the export; Range and gzip supported). Null until COMPLETED and after `expiresAt`. */
  url?: Maybe<Scalars['String']['output']>;
};

export type BulkExportStatus =
  /** Canceled with cancelBulkExport. */
  | 'CANCELED'
  /** Done: download it from `url` until `expiresAt`. */
  | 'COMPLETED'
  /** Accepted; an instance takes it within moments. */
  | 'CREATED'
  /** Stopped: `errorCode` (a contract code) and `errorMessage` say why. */
  | 'FAILED'
  /** Being written: `objectCount` and `bytes` grow batch by batch. */
  | 'RUNNING';

/** The business (tenant) the caller belongs to; all its data is this business's. */
export type Business = {
  __typename?: 'Business';
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** A bucket the whole business shares besides each principal's; null: none. */
  rateLimitBudget?: Maybe<RateLimitBudget>;
  /** Lowercase and unique; the first half of a Basic credential's user name ("<slug>+<publicKey>"). */
  slug: Scalars['String']['output'];
};

export type CancelBulkExportInput = {
  id: Scalars['ID']['input'];
};

export type ChangePasswordInput = {
  /** 8–200 characters. Stored only as an argon2id hash. */
  newPassword: Scalars['String']['input'];
  /** The current password. */
  oldPassword: Scalars['String']['input'];
};

/** A person the business sells to: a client or a prospect. Owned by its sales rep. */
export type Contact = Node & {
  __typename?: 'Contact';
  addresses: Array<PostalAddress>;
  company?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  emails: Array<ContactPoint>;
  firstName: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  jobs?: Maybe<JobConnection>;
  lastName: Scalars['String']['output'];
  /** First and last name together. */
  name: Scalars['String']['output'];
  /** The contact's owner (its sales rep, or the API member that created it): what MINE and MY filter on. */
  owner?: Maybe<RecordOwner>;
  phones: Array<ContactPoint>;
  salesOrders?: Maybe<SalesOrderConnection>;
  title?: Maybe<Scalars['String']['output']>;
  type: ContactType;
  /** Kept by the database on every write; what `filter.updatedSince` compares. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it back as `expectedVersion` to update or delete safely. */
  version: Scalars['Int']['output'];
};


/** A person the business sells to: a client or a prospect. Owned by its sales rep. */
export type ContactJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A person the business sells to: a client or a prospect. Owned by its sales rep. */
export type ContactSalesOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type ContactConnection = {
  __typename?: 'ContactConnection';
  edges: Array<ContactEdge>;
  nodes: Array<Contact>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type ContactEdge = {
  __typename?: 'ContactEdge';
  cursor: Scalars['String']['output'];
  node: Contact;
};

export type ContactFilter = {
  /** Case-insensitive text match (at most 200 characters). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Only clients, or only prospects. */
  type?: InputMaybe<ContactType>;
  /** Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor. */
  updatedSince?: InputMaybe<Scalars['DateTime']['input']>;
};

/** An email address or phone number with its label ("work", "mobile"…). */
export type ContactPoint = {
  __typename?: 'ContactPoint';
  label: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type ContactPointInput = {
  /** e.g. "work" (at most 50 characters). */
  label: Scalars['String']['input'];
  /** At most 200 characters. */
  value: Scalars['String']['input'];
};

export type ContactType =
  /** Buys from the business. */
  | 'CLIENT'
  /** Might; convert to a client when they do. */
  | 'PROSPECT';

export type ConvertProspectInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type ConvertProspectPayload = {
  __typename?: 'ConvertProspectPayload';
  /** The record as written. */
  contact?: Maybe<Contact>;
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
};

export type CreateApiMemberInput = {
  /** At most 500 characters; may be empty. */
  description: Scalars['String']['input'];
  /** 1–100 characters. */
  name: Scalars['String']['input'];
  /** A security role of the business. */
  roleId: Scalars['ID']['input'];
  /** A team of the business; none when left out. */
  teamId?: InputMaybe<Scalars['ID']['input']>;
};

export type CreateContactInput = {
  /** At most 10. */
  addresses?: InputMaybe<Array<PostalAddressInput>>;
  /** At most 200 characters. */
  company?: InputMaybe<Scalars['String']['input']>;
  /** At most 20. */
  emails?: InputMaybe<Array<EmailInput>>;
  /** At most 100 characters. */
  firstName: Scalars['String']['input'];
  /** Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".". */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** At most 100 characters. */
  lastName: Scalars['String']['input'];
  /** The owner (sales rep): a User or ApiMember id. With MINE rights only yourself, with MY anyone in your team, with ALL anyone in the business. Defaults to you on create. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** At most 20. */
  phones?: InputMaybe<Array<ContactPointInput>>;
  /** At most 100 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
  type: ContactType;
};

export type CreateContactPayload = {
  __typename?: 'CreateContactPayload';
  /** The record as written. */
  contact?: Maybe<Contact>;
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
};

export type CreateJobInput = {
  /** A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first). */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  /** Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".". */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** When the client needs the goods. */
  inHandsDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** 1–200 characters. */
  name: Scalars['String']['input'];
  /** The owner (sales rep): a User or ApiMember id. With MINE rights only yourself, with MY anyone in your team, with ALL anyone in the business. Defaults to you on create. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** Default WIP. */
  status?: InputMaybe<JobStatus>;
};

export type CreateJobPayload = {
  __typename?: 'CreateJobPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  job?: Maybe<Job>;
};

export type CreatePurchaseOrderInput = {
  /** An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field. */
  currency: Scalars['Currency']['input'];
  /** When the goods are expected. */
  expectedDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".". */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The job the order belongs to; the order takes its owner, so it must be a job your PURCHASE_ORDERS ADD level covers (MINE: your own jobs, MY: your team’s). */
  jobId: Scalars['ID']['input'];
  /** The lines, in order (at most 500). Totals are computed from them. */
  lines: Array<PurchaseOrderLineInput>;
  /** Defaults to today. */
  orderDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Default DRAFT. */
  status?: InputMaybe<PurchaseOrderStatus>;
  /** A supplier of your business (another one, or a deleted one, is NOT_FOUND naming this field). */
  supplierId: Scalars['ID']['input'];
};

export type CreatePurchaseOrderPayload = {
  __typename?: 'CreatePurchaseOrderPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  purchaseOrder?: Maybe<PurchaseOrder>;
};

export type CreateSalesOrderInput = {
  /** A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first). Defaults to the job’s client. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  /** An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field. */
  currency: Scalars['Currency']['input'];
  dueDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".". */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** The job the order belongs to; the order takes its owner, so it must be a job your SALES_ORDERS ADD level covers (MINE: your own jobs, MY: your team’s). */
  jobId: Scalars['ID']['input'];
  /** The lines, in order (at most 500). Totals are computed from them. */
  lines: Array<SalesOrderLineInput>;
  /** Defaults to today. */
  orderDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Default PENDING. */
  status?: InputMaybe<SalesOrderStatus>;
};

export type CreateSalesOrderPayload = {
  __typename?: 'CreateSalesOrderPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  salesOrder?: Maybe<SalesOrder>;
};

export type CreateSecurityRoleInput = {
  /** 1–100 characters, unique within the business. */
  name: Scalars['String']['input'];
  /** The levels to grant. Pairs left out are NONE; each module × operation pair may appear once. */
  permissions: Array<PermissionInput>;
};

export type CreateSupplierInput = {
  /** An email address, at most 200 characters. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".". */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** 1–200 characters. */
  name: Scalars['String']['input'];
  /** At most 50 characters. */
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type CreateSupplierPayload = {
  __typename?: 'CreateSupplierPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  supplier?: Maybe<Supplier>;
};

export type CreateTeamInput = {
  /** 1–100 characters, unique within the business. */
  name: Scalars['String']['input'];
};

export type CreateUserInput = {
  /** Login email (at most 254 characters), stored lowercase; unique across Gatehouse, CONFLICT when taken. */
  email: Scalars['String']['input'];
  /** 1–100 characters. */
  name: Scalars['String']['input'];
  /** 8–200 characters. Stored only as an argon2id hash. */
  password: Scalars['String']['input'];
  /** A security role of the business; the built-in Admin role makes an admin. */
  roleId: Scalars['ID']['input'];
  /** A team of the business; none when left out. */
  teamId?: InputMaybe<Scalars['ID']['input']>;
};

export type CreateWebhookEndpointInput = {
  /** At most 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Events to send, among: job.created, job.updated, job.deleted, sales_order.created, sales_order.updated, sales_order.deleted, purchase_order.created, purchase_order.updated, purchase_order.deleted, supplier.created, supplier.updated, supplier.deleted, contact.created, contact.updated, contact.deleted, api_key.created, api_key.regenerated, api_key.revoked, api_member.created, api_member.updated, bulk_export.finished. */
  events: Array<Scalars['String']['input']>;
  /** An active API member of the business: its role decides what the endpoint hears of. */
  memberId: Scalars['ID']['input'];
  /** http(s) URL (HTTPS in production); loopback, private and link-local targets are refused. */
  url: Scalars['String']['input'];
};

export type CredentialKind =
  /** An API key. */
  | 'API_KEY'
  /** A session token from signIn. */
  | 'SESSION';

export type DeleteContactInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type DeleteContactPayload = {
  __typename?: 'DeleteContactPayload';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id of the deleted record. */
  deletedId: Scalars['ID']['output'];
  /** The version the deletion gave the record. */
  version: Scalars['Int']['output'];
};

export type DeleteJobInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type DeleteJobPayload = {
  __typename?: 'DeleteJobPayload';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id of the deleted record. */
  deletedId: Scalars['ID']['output'];
  /** The version the deletion gave the record. */
  version: Scalars['Int']['output'];
};

export type DeletePurchaseOrderInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type DeletePurchaseOrderPayload = {
  __typename?: 'DeletePurchaseOrderPayload';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id of the deleted record. */
  deletedId: Scalars['ID']['output'];
  /** The version the deletion gave the record. */
  version: Scalars['Int']['output'];
};

export type DeleteSalesOrderInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type DeleteSalesOrderPayload = {
  __typename?: 'DeleteSalesOrderPayload';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id of the deleted record. */
  deletedId: Scalars['ID']['output'];
  /** The version the deletion gave the record. */
  version: Scalars['Int']['output'];
};

export type DeleteSecurityRoleInput = {
  id: Scalars['ID']['input'];
};

export type DeleteSupplierInput = {
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
};

export type DeleteSupplierPayload = {
  __typename?: 'DeleteSupplierPayload';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id of the deleted record. */
  deletedId: Scalars['ID']['output'];
  /** The version the deletion gave the record. */
  version: Scalars['Int']['output'];
};

export type DeleteWebhookEndpointInput = {
  id: Scalars['ID']['input'];
};

export type DeleteWebhookEndpointPayload = {
  __typename?: 'DeleteWebhookEndpointPayload';
  deletedId: Scalars['ID']['output'];
};

/** A record deleted from the business: delete it from your mirror too. */
export type DeletedRecord = {
  __typename?: 'DeletedRecord';
  deletedAt: Scalars['DateTime']['output'];
  /** The global id the record had. */
  id: Scalars['ID']['output'];
  type: DeletedRecordType;
  /** The version the deletion gave it. */
  version: Scalars['Int']['output'];
};

export type DeletedRecordConnection = {
  __typename?: 'DeletedRecordConnection';
  edges: Array<DeletedRecordEdge>;
  nodes: Array<DeletedRecord>;
  pageInfo: PageInfo;
};

export type DeletedRecordEdge = {
  __typename?: 'DeletedRecordEdge';
  cursor: Scalars['String']['output'];
  node: DeletedRecord;
};

export type DeletedRecordFilter = {
  /** Deletions at or after this time. */
  deletedSince: Scalars['DateTime']['input'];
  /** Only these record types (default: every type your role may read; at most 20). */
  types?: InputMaybe<Array<DeletedRecordType>>;
};

export type DeletedRecordType =
  | 'Contact'
  | 'Job'
  | 'PurchaseOrder'
  | 'SalesOrder'
  | 'Supplier';

export type EmailInput = {
  /** e.g. "work" (at most 50 characters). */
  label: Scalars['String']['input'];
  /** An email address. */
  value: Scalars['String']['input'];
};

export type GenerateApiKeysInput = {
  /** IPv4/IPv6 addresses or CIDR blocks (e.g. "203.0.113.0/24", "2001:db8::/48") the keys may be used from, at most 50; from anywhere else a request is FORBIDDEN (and audited). Empty: anywhere. Regeneration keeps them. */
  allowedNetworks?: InputMaybe<Array<Scalars['String']['input']>>;
  /** What the keys are for; at most 500 characters. */
  description: Scalars['String']['input'];
  /** When both keys stop working; must be in the future. Omit for keys that do not expire. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The ApiMember whose keys these are (or give userId). */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** The User whose keys these are (or give memberId). */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

export type GenerateApiKeysPayload = {
  __typename?: 'GenerateApiKeysPayload';
  primary: IssuedApiKey;
  secondary: IssuedApiKey;
};

/** A key just created. `key` and `privateKey` are shown this once and never again: store them now. */
export type IssuedApiKey = {
  __typename?: 'IssuedApiKey';
  /** The key as listings show it. */
  apiKey: ApiKey;
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** The whole key, for `Authorization: Bearer` and `X-API-Key`: "gk_" + publicKey + privateKey. */
  key: Scalars['String']['output'];
  /** The private part, for `Authorization: Basic base64("<business slug>+<publicKey>:<privateKey>")`. */
  privateKey: Scalars['String']['output'];
  publicKey: Scalars['String']['output'];
  slot: ApiKeySlot;
};

/** A job: the project a client buys, which sales and purchase orders belong to. */
export type Job = Node & {
  __typename?: 'Job';
  client?: Maybe<Contact>;
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  inHandsDate?: Maybe<Scalars['LocalDate']['output']>;
  name: Scalars['String']['output'];
  /** Unique within the business. */
  number: Scalars['Int']['output'];
  /** The job's owner (its sales rep, or the API member that created it): what MINE and MY filter on. */
  owner?: Maybe<RecordOwner>;
  purchaseOrders?: Maybe<PurchaseOrderConnection>;
  salesOrders?: Maybe<SalesOrderConnection>;
  status: JobStatus;
  /** Kept by the database on every write; what `filter.updatedSince` compares. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it back as `expectedVersion` to update or delete safely. */
  version: Scalars['Int']['output'];
};


/** A job: the project a client buys, which sales and purchase orders belong to. */
export type JobPurchaseOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


/** A job: the project a client buys, which sales and purchase orders belong to. */
export type JobSalesOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type JobConnection = {
  __typename?: 'JobConnection';
  edges: Array<JobEdge>;
  nodes: Array<Job>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type JobEdge = {
  __typename?: 'JobEdge';
  cursor: Scalars['String']['output'];
  node: Job;
};

export type JobFilter = {
  /** Case-insensitive text match (at most 200 characters). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Any of these statuses (at most 20). */
  status?: InputMaybe<Array<JobStatus>>;
  /** Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor. */
  updatedSince?: InputMaybe<Scalars['DateTime']['input']>;
};

export type JobStatus =
  /** Done. */
  | 'CLOSED'
  /** Waiting on the client. */
  | 'PENDING'
  /** Submitted to production. */
  | 'SUBMITTED'
  /** Work in progress. */
  | 'WIP';

export type LiftSignInLocksInput = {
  /** The User. */
  userId: Scalars['ID']['input'];
};

/** A group of records a security role grants access to. */
export type Module =
  /** Contacts: clients and prospects. A contact is owned by its sales rep. */
  | 'CONTACTS'
  /** Jobs: the projects that sales and purchase orders belong to. */
  | 'JOBS'
  /** Purchase orders, their lines, and suppliers. An order is owned by the owner of its job. */
  | 'PURCHASE_ORDERS'
  /** Sales orders and their lines. An order is owned by the owner of its job. */
  | 'SALES_ORDERS';

export type Mutation = {
  __typename?: 'Mutation';
  /** Cancels your export while it is CREATED or RUNNING (a finished one is CONFLICT); its partial file is removed. */
  cancelBulkExport: BulkExport;
  /** Changes the signed-in user's own password (any user with a session; not through an API key). A wrong `oldPassword` is BAD_USER_INPUT. Every other session of the user is signed out; this one stays. */
  changePassword: User;
  /** Turns a prospect into a client (CONFLICT if it is a client already). Needs EDIT on CONTACTS. */
  convertProspectToClient: ConvertProspectPayload;
  /** Creates an API member. Give it keys with `generateApiKeys`. Admins only. */
  createApiMember: ApiMember;
  /** Creates a client or prospect. With an `idempotencyKey`, a retry returns the first result. */
  createContact: CreateContactPayload;
  /** Creates a job with the next job number of the business. With an `idempotencyKey`, a retry returns the first result. */
  createJob: CreateJobPayload;
  /** Creates a purchase order with its lines and the next purchase order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result. */
  createPurchaseOrder: CreatePurchaseOrderPayload;
  /** Creates a sales order with its lines and the next order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result. */
  createSalesOrder: CreateSalesOrderPayload;
  /** Creates a security role. Pairs left out of `permissions` are NONE. A name in use is CONFLICT. Admins only. */
  createSecurityRole: SecurityRole;
  /** Creates a supplier (needs ADD on PURCHASE_ORDERS). With an `idempotencyKey`, a retry returns the first result. */
  createSupplier: CreateSupplierPayload;
  /** Creates a team. A name the business already uses is CONFLICT. Admins only. */
  createTeam: Team;
  /** Creates a user who signs in with this email and password. An email in use anywhere is CONFLICT. Admins only. */
  createUser: User;
  /** Registers a webhook endpoint; answers its signing secret this once. Admins only. */
  createWebhookEndpoint: WebhookEndpointWithSecret;
  /** Deletes a contact, leaving a tombstone that `deletedRecords` lists. CONFLICT while a live job or sales order names it as client. */
  deleteContact: DeleteContactPayload;
  /** Deletes a job, leaving a tombstone that `deletedRecords` lists. CONFLICT while a live sales or purchase order belongs to it. */
  deleteJob: DeleteJobPayload;
  /** Deletes a purchase order, leaving a tombstone (with its lines) that `deletedRecords` lists. */
  deletePurchaseOrder: DeletePurchaseOrderPayload;
  /** Deletes a sales order, leaving a tombstone (with its lines) that `deletedRecords` lists. */
  deleteSalesOrder: DeleteSalesOrderPayload;
  /** Deletes a role and returns it as it was. CONFLICT while any user or API member holds it, and for the built-in Admin role. Admins only. */
  deleteSecurityRole: SecurityRole;
  /** Deletes a supplier (needs DELETE on PURCHASE_ORDERS), leaving a tombstone that `deletedRecords` lists. CONFLICT while a live purchase order names it. */
  deleteSupplier: DeleteSupplierPayload;
  /** Deletes a webhook endpoint and its pending deliveries. Admins only. */
  deleteWebhookEndpoint: DeleteWebhookEndpointPayload;
  /** Creates the Primary and Secondary key of a member or user. CONFLICT while it holds a working pair. Admins only. */
  generateApiKeys: GenerateApiKeysPayload;
  /** Lifts the sign-in locks (and forgets the failures) of a user of the business, from every address; answers how many locks were lifted. Admins only. */
  liftSignInLocks: Scalars['Int']['output'];
  /** Sends a delivery again, with the same `webhook-id`, as a new delivery (after any still pending for its record). Admins only. */
  redeliverWebhook: WebhookDelivery;
  /** Replaces a member's or user's Primary, Secondary or both keys. Needs confirm: true ("This cannot be undone. Regenerating this API Key will remove any API access using the old key."). The old key stops at once, or after graceSeconds. Admins only. */
  regenerateApiKeys: RegenerateApiKeysPayload;
  /** Sends again every event the endpoint was sent (or was due to be sent) since `since`, oldest first, each with its first `webhook-id`; answers how many were queued (at most 10000: a wider window is BAD_USER_INPUT). Admins only. */
  replayWebhooks: Scalars['Int']['output'];
  /** Stops a key at once (also ending a regeneration grace period early). Revoking a revoked key changes nothing. Admins only. */
  revokeApiKey: ApiKey;
  /** Gives the endpoint a new signing secret, answered this once. The old one keeps signing beside it (a second `v1,` signature) for `overlapSeconds`, so receivers can switch without losing a delivery. Admins only. */
  rotateWebhookSecret: WebhookEndpointWithSecret;
  /** Sets the bucket the whole business shares besides each principal's; limit and restoreRate null: the server's default (none unless configured). Admins only. */
  setBusinessRateLimitBudget?: Maybe<RateLimitBudget>;
  /** Sets the cost budget of an API member or user (its keys share one bucket of it, its sessions another); limit and restoreRate null: the server's default again. Answers the budget in force. Admins only. */
  setRateLimitBudget?: Maybe<RateLimitBudget>;
  /** Signs a user in with email and password; returns a session token. Any mistake is the same UNAUTHENTICATED error; repeated failures from one address make it wait, then lock (RATE_LIMITED with Retry-After). It must be the only field of its operation. */
  signIn: SignInPayload;
  /** Ends the session this request was made with; the token is refused from the next request on. API keys have no session (FORBIDDEN). */
  signOut: Scalars['Boolean']['output'];
  /** Starts a bulk export of a read query, run as you (your role's row scope applies to every line). One at a time per principal (a second is CONFLICT). A mutation, an unknown field or paging argument is BAD_USER_INPUT, a module your role does not grant FORBIDDEN, all before anything runs. */
  startBulkExport: BulkExport;
  /** Changes the description and/or allowed networks of a member's or user's working key pair (both keys alike), effective from the next request. CONFLICT when it has no working keys. Admins only. */
  updateApiKeys: Array<ApiKey>;
  /** Changes an API member. A new role, team or `active: false` applies from the very next request of its keys. Admins only. */
  updateApiMember: ApiMember;
  /** Changes the fields given; `expectedVersion` must match the stored version (else CONFLICT). */
  updateContact: UpdateContactPayload;
  /** Changes the fields given; `expectedVersion` must match the stored version (else CONFLICT). A new owner must be within your EDIT level; the job’s orders follow it. */
  updateJob: UpdateJobPayload;
  /** Changes the fields given and replaces (`lines`) or patches (`addLines`, `updateLines`, `removeLines`) the lines; `expectedVersion` must match the stored version (else CONFLICT). */
  updatePurchaseOrder: UpdatePurchaseOrderPayload;
  /** Changes the fields given and replaces (`lines`) or patches (`addLines`, `updateLines`, `removeLines`) the lines; `expectedVersion` must match the stored version (else CONFLICT). */
  updateSalesOrder: UpdateSalesOrderPayload;
  /** Renames a role and/or replaces its grants; holders get the new grants from their very next request. The built-in Admin role is CONFLICT. Admins only. */
  updateSecurityRole: SecurityRole;
  /** Changes the fields given (needs EDIT on PURCHASE_ORDERS); `expectedVersion` must match the stored version (else CONFLICT). */
  updateSupplier: UpdateSupplierPayload;
  /** Changes a user. A new role or team applies from the next request of its sessions and keys; `active: false` signs it out everywhere at once. Taking away the last active admin is CONFLICT. Admins only. */
  updateUser: User;
  /** Changes a webhook endpoint. Admins only. */
  updateWebhookEndpoint: WebhookEndpoint;
};


export type MutationCancelBulkExportArgs = {
  input: CancelBulkExportInput;
};


export type MutationChangePasswordArgs = {
  input: ChangePasswordInput;
};


export type MutationConvertProspectToClientArgs = {
  input: ConvertProspectInput;
};


export type MutationCreateApiMemberArgs = {
  input: CreateApiMemberInput;
};


export type MutationCreateContactArgs = {
  input: CreateContactInput;
};


export type MutationCreateJobArgs = {
  input: CreateJobInput;
};


export type MutationCreatePurchaseOrderArgs = {
  input: CreatePurchaseOrderInput;
};


export type MutationCreateSalesOrderArgs = {
  input: CreateSalesOrderInput;
};


export type MutationCreateSecurityRoleArgs = {
  input: CreateSecurityRoleInput;
};


export type MutationCreateSupplierArgs = {
  input: CreateSupplierInput;
};


export type MutationCreateTeamArgs = {
  input: CreateTeamInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


export type MutationDeleteContactArgs = {
  input: DeleteContactInput;
};


export type MutationDeleteJobArgs = {
  input: DeleteJobInput;
};


export type MutationDeletePurchaseOrderArgs = {
  input: DeletePurchaseOrderInput;
};


export type MutationDeleteSalesOrderArgs = {
  input: DeleteSalesOrderInput;
};


export type MutationDeleteSecurityRoleArgs = {
  input: DeleteSecurityRoleInput;
};


export type MutationDeleteSupplierArgs = {
  input: DeleteSupplierInput;
};


export type MutationDeleteWebhookEndpointArgs = {
  input: DeleteWebhookEndpointInput;
};


export type MutationGenerateApiKeysArgs = {
  input: GenerateApiKeysInput;
};


export type MutationLiftSignInLocksArgs = {
  input: LiftSignInLocksInput;
};


export type MutationRedeliverWebhookArgs = {
  input: RedeliverWebhookInput;
};


export type MutationRegenerateApiKeysArgs = {
  input: RegenerateApiKeysInput;
};


export type MutationReplayWebhooksArgs = {
  input: ReplayWebhooksInput;
};


export type MutationRevokeApiKeyArgs = {
  input: RevokeApiKeyInput;
};


export type MutationRotateWebhookSecretArgs = {
  input: RotateWebhookSecretInput;
};


export type MutationSetBusinessRateLimitBudgetArgs = {
  input: SetBusinessRateLimitBudgetInput;
};


export type MutationSetRateLimitBudgetArgs = {
  input: SetRateLimitBudgetInput;
};


export type MutationSignInArgs = {
  input: SignInInput;
};


export type MutationStartBulkExportArgs = {
  input: StartBulkExportInput;
};


export type MutationUpdateApiKeysArgs = {
  input: UpdateApiKeysInput;
};


export type MutationUpdateApiMemberArgs = {
  input: UpdateApiMemberInput;
};


export type MutationUpdateContactArgs = {
  input: UpdateContactInput;
};


export type MutationUpdateJobArgs = {
  input: UpdateJobInput;
};


export type MutationUpdatePurchaseOrderArgs = {
  input: UpdatePurchaseOrderInput;
};


export type MutationUpdateSalesOrderArgs = {
  input: UpdateSalesOrderInput;
};


export type MutationUpdateSecurityRoleArgs = {
  input: UpdateSecurityRoleInput;
};


export type MutationUpdateSupplierArgs = {
  input: UpdateSupplierInput;
};


export type MutationUpdateUserArgs = {
  input: UpdateUserInput;
};


export type MutationUpdateWebhookEndpointArgs = {
  input: UpdateWebhookEndpointInput;
};

export type Node = {
  id: Scalars['ID']['output'];
};

/** What a caller does to records of a module. */
export type Operation =
  /** Create records. */
  | 'ADD'
  /** Delete records. */
  | 'DELETE'
  /** Change records. */
  | 'EDIT'
  /** Read records. */
  | 'INQUIRE';

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** The level granted for one operation on one module. */
export type Permission = {
  __typename?: 'Permission';
  level: PermissionLevel;
  module: Module;
  operation: Operation;
};

/** The level to grant for one operation on one module. Pairs left out of a list are NONE. */
export type PermissionInput = {
  level: PermissionLevel;
  module: Module;
  operation: Operation;
};

/** Which records of a module an operation reaches. */
export type PermissionLevel =
  /** Every record of the business. */
  | 'ALL'
  /** Records owned by the caller. */
  | 'MINE'
  /** Records owned by anyone in the caller's team. */
  | 'MY'
  /** No records; the operation is refused. */
  | 'NONE';

export type PostalAddress = {
  __typename?: 'PostalAddress';
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 code. */
  country: Scalars['String']['output'];
  label: Scalars['String']['output'];
  line1: Scalars['String']['output'];
  line2?: Maybe<Scalars['String']['output']>;
  postalCode?: Maybe<Scalars['String']['output']>;
  region?: Maybe<Scalars['String']['output']>;
};

export type PostalAddressInput = {
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2, e.g. "US". */
  country: Scalars['String']['input'];
  label: Scalars['String']['input'];
  line1: Scalars['String']['input'];
  line2?: InputMaybe<Scalars['String']['input']>;
  postalCode?: InputMaybe<Scalars['String']['input']>;
  region?: InputMaybe<Scalars['String']['input']>;
};

/** Who a principal is: a person who signs in, or a service account. */
export type PrincipalKind =
  /** An API member: a service account used by a partner system. */
  | 'API_MEMBER'
  /** A user: a person of the business who signs in. */
  | 'USER';

/** A user or API member, named in passing. */
export type PrincipalSummary = {
  __typename?: 'PrincipalSummary';
  /** The global id of the User or ApiMember. */
  id: Scalars['ID']['output'];
  kind: PrincipalKind;
  name: Scalars['String']['output'];
};

/** A purchase order to a supplier, under a job. It takes the owner of its job. */
export type PurchaseOrder = Node & {
  __typename?: 'PurchaseOrder';
  createdAt: Scalars['DateTime']['output'];
  currency: Scalars['Currency']['output'];
  expectedDate?: Maybe<Scalars['LocalDate']['output']>;
  id: Scalars['ID']['output'];
  job?: Maybe<Job>;
  /** The lines in order (at most 500). */
  lines: Array<PurchaseOrderLine>;
  /** Unique within the business. */
  number: Scalars['Int']['output'];
  orderDate: Scalars['LocalDate']['output'];
  /** The order's owner: the owner of its job, whose MINE and MY rules it follows. */
  owner?: Maybe<RecordOwner>;
  status: PurchaseOrderStatus;
  /** Sum of the line amounts. */
  subtotal: Scalars['Decimal']['output'];
  supplier?: Maybe<Supplier>;
  /** Sum of each line's tax, rounded per line. */
  taxTotal: Scalars['Decimal']['output'];
  /** subtotal + taxTotal. */
  total: Scalars['Decimal']['output'];
  /** Kept by the database on every write; what `filter.updatedSince` compares. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it back as `expectedVersion` to update or delete safely. */
  version: Scalars['Int']['output'];
};

export type PurchaseOrderConnection = {
  __typename?: 'PurchaseOrderConnection';
  edges: Array<PurchaseOrderEdge>;
  nodes: Array<PurchaseOrder>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type PurchaseOrderEdge = {
  __typename?: 'PurchaseOrderEdge';
  cursor: Scalars['String']['output'];
  node: PurchaseOrder;
};

export type PurchaseOrderFilter = {
  /** Case-insensitive text match (at most 200 characters). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Any of these statuses (at most 20). */
  status?: InputMaybe<Array<PurchaseOrderStatus>>;
  /** Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor. */
  updatedSince?: InputMaybe<Scalars['DateTime']['input']>;
};

/** One line of a purchase order. */
export type PurchaseOrderLine = {
  __typename?: 'PurchaseOrderLine';
  /** quantity × unitCost, rounded half-up to cents. */
  amount: Scalars['Decimal']['output'];
  description: Scalars['String']['output'];
  /** Line number, from 1, in display order. */
  position: Scalars['Int']['output'];
  quantity: Scalars['Decimal']['output'];
  sku?: Maybe<Scalars['String']['output']>;
  /** A fraction: "0.0825" is 8.25 %. */
  taxRate: Scalars['Decimal']['output'];
  unitCost: Scalars['Decimal']['output'];
};

/** A line. Its amount (quantity × unit amount, rounded half up to cents) and tax are computed by the server. */
export type PurchaseOrderLineInput = {
  /** 1–500 characters. */
  description: Scalars['String']['input'];
  /** Greater than 0, less than 10000000000, at most 4 decimal places. */
  quantity: Scalars['Decimal']['input'];
  /** Stock keeping unit: at most 64 characters. */
  sku?: InputMaybe<Scalars['String']['input']>;
  /** Tax as a fraction from 0 to 1 ("0.0825" is 8.25 %), at most 4 decimal places. Default 0. */
  taxRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** Cost of one unit: at least 0, less than 1000000000000, at most 4 decimal places. */
  unitCost: Scalars['Decimal']['input'];
};

/** Changes to the line at `position` (as numbered before this update); fields left out stay as they are. */
export type PurchaseOrderLineUpdateInput = {
  /** 1–500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The line’s current position, from 1. */
  position: Scalars['Int']['input'];
  /** Greater than 0, less than 10000000000, at most 4 decimal places. */
  quantity?: InputMaybe<Scalars['Decimal']['input']>;
  /** Stock keeping unit: at most 64 characters. */
  sku?: InputMaybe<Scalars['String']['input']>;
  /** Tax as a fraction from 0 to 1 ("0.0825" is 8.25 %), at most 4 decimal places. Default 0. */
  taxRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** Cost of one unit: at least 0, less than 1000000000000, at most 4 decimal places. */
  unitCost?: InputMaybe<Scalars['Decimal']['input']>;
};

export type PurchaseOrderStatus =
  | 'BILLED'
  | 'CLOSED'
  | 'DRAFT'
  | 'ORDERED'
  | 'RECEIVED';

export type Query = {
  __typename?: 'Query';
  /** Every API key of the business, in creation order, revoked and expired ones included; never a secret. Admins only. */
  apiKeys?: Maybe<ApiKeyConnection>;
  /** The business's API members, in creation order. Admins only. */
  apiMembers?: Maybe<ApiMemberConnection>;
  /** The business's audit log, newest first (`first`/`after` go back in time; `last`/`before` forward). Admins only. */
  auditEvents?: Maybe<AuditEventConnection>;
  /** One of your own bulk exports; anyone else's is NOT_FOUND. */
  bulkExport?: Maybe<BulkExport>;
  /** One Contact by id; one the caller may not see, or of another business, is NOT_FOUND. */
  contact?: Maybe<Contact>;
  /** Contacts the caller may see. Ordered by creation; with `filter.updatedSince`, by (updatedAt, id) for incremental sync. */
  contacts?: Maybe<ContactConnection>;
  /** Records deleted since a time, oldest first, by (deletedAt, type, id): the deletions half of an incremental sync. */
  deletedRecords?: Maybe<DeletedRecordConnection>;
  /** One Job by id; one the caller may not see, or of another business, is NOT_FOUND. */
  job?: Maybe<Job>;
  /** Jobs the caller may see. Ordered by creation; with `filter.updatedSince`, by (updatedAt, id) for incremental sync. */
  jobs?: Maybe<JobConnection>;
  /** Anything with a global id: a record, or (for admins) a user, API member, key, role or team. One the caller may not see, or of another business, is NOT_FOUND. */
  node?: Maybe<Node>;
  /** Records by global id, in the order asked (at most 100); each one not found is null with an error. */
  nodes: Array<Maybe<Node>>;
  /** One PurchaseOrder by id; one the caller may not see, or of another business, is NOT_FOUND. */
  purchaseOrder?: Maybe<PurchaseOrder>;
  /** Purchase orders the caller may see. Ordered by creation; with `filter.updatedSince`, by (updatedAt, id) for incremental sync. */
  purchaseOrders?: Maybe<PurchaseOrderConnection>;
  /** The caller's cost bucket (null when metering is off). Every response also carries it in `extensions.cost` and the X-RateLimit-* headers. */
  rateLimit?: Maybe<RateLimit>;
  /** One SalesOrder by id; one the caller may not see, or of another business, is NOT_FOUND. */
  salesOrder?: Maybe<SalesOrder>;
  /** Sales orders the caller may see. Ordered by creation; with `filter.updatedSince`, by (updatedAt, id) for incremental sync. */
  salesOrders?: Maybe<SalesOrderConnection>;
  /** The business's security roles, in creation order (the built-in Admin role first). Admins only. */
  securityRoles?: Maybe<SecurityRoleConnection>;
  /** One Supplier by id; one the caller may not see, or of another business, is NOT_FOUND. */
  supplier?: Maybe<Supplier>;
  /** Suppliers of the business. Ordered by creation; with `filter.updatedSince`, by (updatedAt, id) for incremental sync. */
  suppliers?: Maybe<SupplierConnection>;
  /** The business's teams, in creation order. Admins only. */
  teams?: Maybe<TeamConnection>;
  /** The business's users, in creation order. Admins only. */
  users?: Maybe<UserConnection>;
  /** The caller: who it is, its business, role and team, and what its role lets it do. */
  viewer: Viewer;
  /** The business's webhook endpoints, in creation order. Admins only. */
  webhookEndpoints?: Maybe<WebhookEndpointConnection>;
  /** Every event an endpoint may subscribe to, in the order the admin console lists them. Admins only. */
  webhookEventTypes?: Maybe<Array<Scalars['String']['output']>>;
};


export type QueryApiKeysArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ApiKeyFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryApiMembersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryBulkExportArgs = {
  id: Scalars['ID']['input'];
};


export type QueryContactArgs = {
  id: Scalars['ID']['input'];
};


export type QueryContactsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ContactFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryDeletedRecordsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter: DeletedRecordFilter;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryJobArgs = {
  id: Scalars['ID']['input'];
};


export type QueryJobsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<JobFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryPurchaseOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPurchaseOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<PurchaseOrderFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySalesOrderArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySalesOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SalesOrderFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySecurityRolesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QuerySupplierArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySuppliersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<SupplierFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTeamsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryWebhookEndpointsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** The caller's cost bucket after this query's price was taken (points restore continuously). */
export type RateLimit = {
  __typename?: 'RateLimit';
  /** What this query was priced at before it ran. */
  cost: Scalars['Int']['output'];
  /** Points the bucket holds when full: the most one query may cost. */
  limit: Scalars['Int']['output'];
  /** Points left now. */
  remaining: Scalars['Int']['output'];
  /** When the bucket is full again. */
  resetAt: Scalars['DateTime']['output'];
  /** Points restored per second. */
  restoreRate: Scalars['Int']['output'];
  /** `limit - remaining`. */
  used: Scalars['Int']['output'];
};

/** The size and refill of a cost bucket. */
export type RateLimitBudget = {
  __typename?: 'RateLimitBudget';
  /** True when an admin set it; false: the server's default. */
  custom: Scalars['Boolean']['output'];
  /** Points the bucket holds when full: the most one query may cost. */
  limit: Scalars['Int']['output'];
  /** Points restored per second. */
  restoreRate: Scalars['Int']['output'];
};

/** The user or API member a record belongs to, with its team. */
export type RecordOwner = {
  __typename?: 'RecordOwner';
  /** The global id of the User or ApiMember. */
  id: Scalars['ID']['output'];
  kind: PrincipalKind;
  name: Scalars['String']['output'];
  team?: Maybe<RecordOwnerTeam>;
};

/** The owner's team: MY reaches the records of everyone in it. */
export type RecordOwnerTeam = {
  __typename?: 'RecordOwnerTeam';
  /** The global id of the Team. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type RedeliverWebhookInput = {
  deliveryId: Scalars['ID']['input'];
};

export type RegenerateApiKeysInput = {
  /** Must be true: "This cannot be undone. Regenerating this API Key will remove any API access using the old key." Without it nothing changes (CONFIRMATION_REQUIRED). */
  confirm: Scalars['Boolean']['input'];
  /** Expiry of the new key(s); by default each inherits the expiry of the key it replaces. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** How long the old key keeps working, 0–604800 seconds (7 days). Default 0: it stops at once. */
  graceSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** The ApiMember whose keys these are (or give userId). */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** Which key to replace: PRIMARY, SECONDARY or BOTH. */
  slot: ApiKeySlotChoice;
  /** The User whose keys these are (or give memberId). */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

export type RegenerateApiKeysPayload = {
  __typename?: 'RegenerateApiKeysPayload';
  /** Always "API Key has been regenerated". */
  message: Scalars['String']['output'];
  /** When the replaced keys stop working (now, or the end of the grace period). */
  oldKeysStopAt: Scalars['DateTime']['output'];
  /** The new Primary key, when it was regenerated. */
  primary?: Maybe<IssuedApiKey>;
  /** The new Secondary key, when it was regenerated. */
  secondary?: Maybe<IssuedApiKey>;
};

export type ReplayWebhooksInput = {
  endpointId: Scalars['ID']['input'];
  since: Scalars['DateTime']['input'];
};

export type RevokeApiKeyInput = {
  /** The ApiKey id (or give publicKey). */
  id?: InputMaybe<Scalars['ID']['input']>;
  /** The public key (or give id). */
  publicKey?: InputMaybe<Scalars['String']['input']>;
};

export type RotateWebhookSecretInput = {
  id: Scalars['ID']['input'];
  /** How long the old secret keeps signing beside the new one (default 86,400; at most 604,800; 0: it stops at once). */
  overlapSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** A sales order to a client, under a job. It takes the owner of its job. */
export type SalesOrder = Node & {
  __typename?: 'SalesOrder';
  client?: Maybe<Contact>;
  createdAt: Scalars['DateTime']['output'];
  currency: Scalars['Currency']['output'];
  dueDate?: Maybe<Scalars['LocalDate']['output']>;
  id: Scalars['ID']['output'];
  job?: Maybe<Job>;
  /** The lines in order (at most 500). */
  lines: Array<SalesOrderLine>;
  /** Unique within the business. */
  number: Scalars['Int']['output'];
  orderDate: Scalars['LocalDate']['output'];
  /** The order's owner: the owner of its job, whose MINE and MY rules it follows. */
  owner?: Maybe<RecordOwner>;
  status: SalesOrderStatus;
  /** Sum of the line amounts. */
  subtotal: Scalars['Decimal']['output'];
  /** Sum of each line's tax, rounded per line. */
  taxTotal: Scalars['Decimal']['output'];
  /** subtotal + taxTotal. */
  total: Scalars['Decimal']['output'];
  /** Kept by the database on every write; what `filter.updatedSince` compares. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it back as `expectedVersion` to update or delete safely. */
  version: Scalars['Int']['output'];
};

export type SalesOrderConnection = {
  __typename?: 'SalesOrderConnection';
  edges: Array<SalesOrderEdge>;
  nodes: Array<SalesOrder>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type SalesOrderEdge = {
  __typename?: 'SalesOrderEdge';
  cursor: Scalars['String']['output'];
  node: SalesOrder;
};

export type SalesOrderFilter = {
  /** Case-insensitive text match (at most 200 characters). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Any of these statuses (at most 20). */
  status?: InputMaybe<Array<SalesOrderStatus>>;
  /** Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor. */
  updatedSince?: InputMaybe<Scalars['DateTime']['input']>;
};

/** One line of a sales order. */
export type SalesOrderLine = {
  __typename?: 'SalesOrderLine';
  /** quantity × unitPrice, rounded half-up to cents. */
  amount: Scalars['Decimal']['output'];
  description: Scalars['String']['output'];
  /** Line number, from 1, in display order. */
  position: Scalars['Int']['output'];
  quantity: Scalars['Decimal']['output'];
  sku?: Maybe<Scalars['String']['output']>;
  /** A fraction: "0.0825" is 8.25 %. */
  taxRate: Scalars['Decimal']['output'];
  unitPrice: Scalars['Decimal']['output'];
};

/** A line. Its amount (quantity × unit amount, rounded half up to cents) and tax are computed by the server. */
export type SalesOrderLineInput = {
  /** 1–500 characters. */
  description: Scalars['String']['input'];
  /** Greater than 0, less than 10000000000, at most 4 decimal places. */
  quantity: Scalars['Decimal']['input'];
  /** Stock keeping unit: at most 64 characters. */
  sku?: InputMaybe<Scalars['String']['input']>;
  /** Tax as a fraction from 0 to 1 ("0.0825" is 8.25 %), at most 4 decimal places. Default 0. */
  taxRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** Price of one unit: at least 0, less than 1000000000000, at most 4 decimal places. */
  unitPrice: Scalars['Decimal']['input'];
};

/** Changes to the line at `position` (as numbered before this update); fields left out stay as they are. */
export type SalesOrderLineUpdateInput = {
  /** 1–500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The line’s current position, from 1. */
  position: Scalars['Int']['input'];
  /** Greater than 0, less than 10000000000, at most 4 decimal places. */
  quantity?: InputMaybe<Scalars['Decimal']['input']>;
  /** Stock keeping unit: at most 64 characters. */
  sku?: InputMaybe<Scalars['String']['input']>;
  /** Tax as a fraction from 0 to 1 ("0.0825" is 8.25 %), at most 4 decimal places. Default 0. */
  taxRate?: InputMaybe<Scalars['Decimal']['input']>;
  /** Price of one unit: at least 0, less than 1000000000000, at most 4 decimal places. */
  unitPrice?: InputMaybe<Scalars['Decimal']['input']>;
};

export type SalesOrderStatus =
  | 'INVOICED'
  | 'OPEN'
  | 'PAID'
  | 'PENDING';

/** A security role: for every module and operation, the level of records it reaches (ALL, MY, MINE or NONE). The built-in Admin role grants ALL everywhere and cannot be changed or deleted. */
export type SecurityRole = Node & {
  __typename?: 'SecurityRole';
  /** The built-in Admin role: it cannot be changed or deleted. */
  builtin: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** How many users and API members hold the role (admins only). A held role cannot be deleted. */
  memberCount?: Maybe<Scalars['Int']['output']>;
  /** Unique within the business (letter case aside); 1–100 characters. */
  name: Scalars['String']['output'];
  /** Every module × operation pair (16) with its level, in catalogue order. */
  permissions: Array<Permission>;
  updatedAt: Scalars['DateTime']['output'];
};

export type SecurityRoleConnection = {
  __typename?: 'SecurityRoleConnection';
  edges: Array<SecurityRoleEdge>;
  nodes: Array<SecurityRole>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type SecurityRoleEdge = {
  __typename?: 'SecurityRoleEdge';
  cursor: Scalars['String']['output'];
  node: SecurityRole;
};

export type SetBusinessRateLimitBudgetInput = {
  /** Points the bucket holds, 20–10000000. Null with restoreRate: back to the default. */
  limit?: InputMaybe<Scalars['Int']['input']>;
  /** Points restored per second, 1–10000000 and at most limit. */
  restoreRate?: InputMaybe<Scalars['Int']['input']>;
};

export type SetRateLimitBudgetInput = {
  /** Points the bucket holds, 20–10000000. Null with restoreRate: back to the default. */
  limit?: InputMaybe<Scalars['Int']['input']>;
  /** An ApiMember or a User of the business. */
  principalId: Scalars['ID']['input'];
  /** Points restored per second, 1–10000000 and at most limit. */
  restoreRate?: InputMaybe<Scalars['Int']['input']>;
};

export type SignInInput = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
};

export type SignInPayload = {
  __typename?: 'SignInPayload';
  /** When the session ends (12 hours after sign-in) unless signOut ends it first. */
  expiresAt: Scalars['DateTime']['output'];
  /** The session token: send it as `Authorization: Bearer <token>`. Shown once; only its hash is stored. */
  token: Scalars['String']['output'];
  user: User;
};

export type StartBulkExportInput = {
  /** A read query of connections (`jobs`, `contacts`…), nested as deep as wanted, without paging arguments or variables. */
  query: Scalars['String']['input'];
};

/** A supplier the business buys from (module PURCHASE_ORDERS; suppliers have no owner). */
export type Supplier = Node & {
  __typename?: 'Supplier';
  createdAt: Scalars['DateTime']['output'];
  email?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  phone?: Maybe<Scalars['String']['output']>;
  purchaseOrders?: Maybe<PurchaseOrderConnection>;
  /** Kept by the database on every write; what `filter.updatedSince` compares. */
  updatedAt: Scalars['DateTime']['output'];
  /** Increases with every change; pass it back as `expectedVersion` to update or delete safely. */
  version: Scalars['Int']['output'];
};


/** A supplier the business buys from (module PURCHASE_ORDERS; suppliers have no owner). */
export type SupplierPurchaseOrdersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type SupplierConnection = {
  __typename?: 'SupplierConnection';
  edges: Array<SupplierEdge>;
  nodes: Array<Supplier>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type SupplierEdge = {
  __typename?: 'SupplierEdge';
  cursor: Scalars['String']['output'];
  node: Supplier;
};

export type SupplierFilter = {
  /** Case-insensitive text match (at most 200 characters). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor. */
  updatedSince?: InputMaybe<Scalars['DateTime']['input']>;
};

/** A team (department) of the business. A role's MY level reaches records owned by anyone in the caller's team. */
export type Team = Node & {
  __typename?: 'Team';
  createdAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  /** Unique within the business (letter case aside); 1–100 characters. */
  name: Scalars['String']['output'];
  updatedAt: Scalars['DateTime']['output'];
};

export type TeamConnection = {
  __typename?: 'TeamConnection';
  edges: Array<TeamEdge>;
  nodes: Array<Team>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type TeamEdge = {
  __typename?: 'TeamEdge';
  cursor: Scalars['String']['output'];
  node: Team;
};

export type UpdateApiKeysInput = {
  /** IPv4/IPv6 addresses or CIDR blocks (e.g. "203.0.113.0/24", "2001:db8::/48") the keys may be used from, at most 50; from anywhere else a request is FORBIDDEN (and audited). Empty: anywhere. Regeneration keeps them. Omit to keep them; [] lifts the restriction. */
  allowedNetworks?: InputMaybe<Array<Scalars['String']['input']>>;
  /** What the keys are for; at most 500 characters. Omit to keep it. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The ApiMember whose keys these are (or give userId). */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** The User whose keys these are (or give memberId). */
  userId?: InputMaybe<Scalars['ID']['input']>;
};

/** Fields left out (or null) stay as they are, except `teamId: null`, which removes the team. */
export type UpdateApiMemberInput = {
  /** false: every key of the member is refused from the next request. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** At most 500 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  /** 1–100 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** A security role of the business; applies from the next request of every key. */
  roleId?: InputMaybe<Scalars['ID']['input']>;
  /** A team of the business, or null for none. */
  teamId?: InputMaybe<Scalars['ID']['input']>;
};

export type UpdateContactInput = {
  /** At most 10. */
  addresses?: InputMaybe<Array<PostalAddressInput>>;
  /** At most 200 characters. */
  company?: InputMaybe<Scalars['String']['input']>;
  /** At most 20. */
  emails?: InputMaybe<Array<EmailInput>>;
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  /** At most 100 characters. */
  firstName?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  /** At most 100 characters. */
  lastName?: InputMaybe<Scalars['String']['input']>;
  /** The owner (sales rep): a User or ApiMember id. With MINE rights only yourself, with MY anyone in your team, with ALL anyone in the business. Defaults to you on create. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** At most 20. */
  phones?: InputMaybe<Array<ContactPointInput>>;
  /** At most 100 characters. */
  title?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateContactPayload = {
  __typename?: 'UpdateContactPayload';
  /** The record as written. */
  contact?: Maybe<Contact>;
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
};

export type UpdateJobInput = {
  /** A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first). null removes the client. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  /** When the client needs the goods. null removes it. */
  inHandsDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** 1–200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The owner (sales rep): a User or ApiMember id. With MINE rights only yourself, with MY anyone in your team, with ALL anyone in the business. Defaults to you on create. */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  status?: InputMaybe<JobStatus>;
};

export type UpdateJobPayload = {
  __typename?: 'UpdateJobPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  job?: Maybe<Job>;
};

/** Fields left out stay as they are. Line changes recompute the totals and make a new version. */
export type UpdatePurchaseOrderInput = {
  /** Lines appended after the others. Afterwards lines are numbered 1..n again, at most 500. */
  addLines?: InputMaybe<Array<PurchaseOrderLineInput>>;
  /** An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field. */
  currency?: InputMaybe<Scalars['Currency']['input']>;
  /** null removes it. */
  expectedDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  /** Replaces every line (at most 500). Not together with addLines, updateLines or removeLines. */
  lines?: InputMaybe<Array<PurchaseOrderLineInput>>;
  orderDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Current positions of lines to remove (a missing position is NOT_FOUND). */
  removeLines?: InputMaybe<Array<Scalars['Int']['input']>>;
  status?: InputMaybe<PurchaseOrderStatus>;
  /** A supplier of your business (another one, or a deleted one, is NOT_FOUND naming this field). */
  supplierId?: InputMaybe<Scalars['ID']['input']>;
  /** Changes to lines, each named by its current position (a missing position is NOT_FOUND). */
  updateLines?: InputMaybe<Array<PurchaseOrderLineUpdateInput>>;
};

export type UpdatePurchaseOrderPayload = {
  __typename?: 'UpdatePurchaseOrderPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  purchaseOrder?: Maybe<PurchaseOrder>;
};

/** Fields left out stay as they are. Line changes recompute the totals and make a new version. */
export type UpdateSalesOrderInput = {
  /** Lines appended after the others. Afterwards lines are numbered 1..n again, at most 500. */
  addLines?: InputMaybe<Array<SalesOrderLineInput>>;
  /** A Contact of type CLIENT that you can read; null removes the client. */
  clientId?: InputMaybe<Scalars['ID']['input']>;
  /** An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field. */
  currency?: InputMaybe<Scalars['Currency']['input']>;
  /** null removes it. */
  dueDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  /** Replaces every line (at most 500). Not together with addLines, updateLines or removeLines. */
  lines?: InputMaybe<Array<SalesOrderLineInput>>;
  orderDate?: InputMaybe<Scalars['LocalDate']['input']>;
  /** Current positions of lines to remove (a missing position is NOT_FOUND). */
  removeLines?: InputMaybe<Array<Scalars['Int']['input']>>;
  status?: InputMaybe<SalesOrderStatus>;
  /** Changes to lines, each named by its current position (a missing position is NOT_FOUND). */
  updateLines?: InputMaybe<Array<SalesOrderLineUpdateInput>>;
};

export type UpdateSalesOrderPayload = {
  __typename?: 'UpdateSalesOrderPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  salesOrder?: Maybe<SalesOrder>;
};

export type UpdateSecurityRoleInput = {
  id: Scalars['ID']['input'];
  /** 1–100 characters, unique within the business. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The levels to grant. Pairs left out are NONE; each module × operation pair may appear once. Replaces the whole matrix; applies from every holder's next request. */
  permissions?: InputMaybe<Array<PermissionInput>>;
};

export type UpdateSupplierInput = {
  /** An email address, at most 200 characters. null removes it. */
  email?: InputMaybe<Scalars['String']['input']>;
  /** The `version` you last read; a stale one is CONFLICT and changes nothing. */
  expectedVersion: Scalars['Int']['input'];
  id: Scalars['ID']['input'];
  /** 1–200 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** At most 50 characters. null removes it. */
  phone?: InputMaybe<Scalars['String']['input']>;
};

export type UpdateSupplierPayload = {
  __typename?: 'UpdateSupplierPayload';
  /** True when this answer repeats an earlier request with the same idempotency key; nothing was written. */
  idempotentReplay: Scalars['Boolean']['output'];
  /** The record as written. */
  supplier?: Maybe<Supplier>;
};

/** Fields left out (or null) stay as they are, except `teamId: null`, which removes the team. */
export type UpdateUserInput = {
  /** false: signs the user out everywhere and refuses its keys. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
  /** 1–100 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** A security role of the business; applies from the next request of every session and key. */
  roleId?: InputMaybe<Scalars['ID']['input']>;
  /** A team of the business, or null for none. */
  teamId?: InputMaybe<Scalars['ID']['input']>;
};

/** Fields left out (or null) stay as they are. `active: true` re-enables an endpoint Gatehouse disabled. */
export type UpdateWebhookEndpointInput = {
  active?: InputMaybe<Scalars['Boolean']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  /** Events to send, among: job.created, job.updated, job.deleted, sales_order.created, sales_order.updated, sales_order.deleted, purchase_order.created, purchase_order.updated, purchase_order.deleted, supplier.created, supplier.updated, supplier.deleted, contact.created, contact.updated, contact.deleted, api_key.created, api_key.regenerated, api_key.revoked, api_member.created, api_member.updated, bulk_export.finished. */
  events?: InputMaybe<Array<Scalars['String']['input']>>;
  id: Scalars['ID']['input'];
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** http(s) URL (HTTPS in production); loopback, private and link-local targets are refused. */
  url?: InputMaybe<Scalars['String']['input']>;
};

/** A person of the business who signs in with email and password. Holders of the built-in Admin role manage access. */
export type User = Node & {
  __typename?: 'User';
  /** False: the user cannot sign in, and its sessions and keys are refused. */
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Login email, lowercase, unique across Gatehouse. */
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** 1–100 characters. */
  name: Scalars['String']['output'];
  /** The size of this principal's cost bucket: its keys share one, its sessions another (null when metering is off). */
  rateLimitBudget?: Maybe<RateLimitBudget>;
  role: SecurityRole;
  team?: Maybe<Team>;
  updatedAt: Scalars['DateTime']['output'];
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  nodes: Array<User>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: User;
};

/** The caller, its business, role and what the role lets it do. */
export type Viewer = {
  __typename?: 'Viewer';
  business: Business;
  caller: PrincipalSummary;
  credential: ViewerCredential;
  /** The effective permission matrix: every module × operation with its level, in catalogue order. */
  permissions: Array<Permission>;
  role: ViewerRole;
  team?: Maybe<ViewerTeam>;
};

/** The credential this request was made with (never its secret). */
export type ViewerCredential = {
  __typename?: 'ViewerCredential';
  kind: CredentialKind;
  /** The API key's public key; null for a session. */
  publicKey?: Maybe<Scalars['String']['output']>;
};

/** The caller's security role. */
export type ViewerRole = {
  __typename?: 'ViewerRole';
  /** True for the built-in Admin role, which grants ALL everywhere. */
  builtin: Scalars['Boolean']['output'];
  /** The global id of the SecurityRole. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

/** The caller's team: what MY permissions reach. */
export type ViewerTeam = {
  __typename?: 'ViewerTeam';
  /** The global id of the Team. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
};

export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  attempt: Scalars['Int']['output'];
  attemptedAt: Scalars['DateTime']['output'];
  error?: Maybe<Scalars['String']['output']>;
  latencyMs: Scalars['Int']['output'];
  /** The HTTP status answered; null when none came (timeout, refused connection). */
  responseStatus?: Maybe<Scalars['Int']['output']>;
};

/** One event on its way to one endpoint: sent at least once, in order per record, retried with backoff. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  attemptCount: Scalars['Int']['output'];
  /** Every attempt made, oldest first. */
  attempts: Array<WebhookAttempt>;
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  eventType: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  lastAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  lastError?: Maybe<Scalars['String']['output']>;
  lastLatencyMs?: Maybe<Scalars['Int']['output']>;
  lastResponseStatus?: Maybe<Scalars['Int']['output']>;
  /** The `webhook-id` header: the same on every retry and redelivery. */
  messageId: Scalars['String']['output'];
  /** The next try, while PENDING. */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  occurredAt: Scalars['DateTime']['output'];
  /** Global id of the record the event is about. */
  recordId: Scalars['ID']['output'];
  status: WebhookDeliveryStatus;
  version: Scalars['Int']['output'];
};

export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  edges: Array<WebhookDeliveryEdge>;
  nodes: Array<WebhookDelivery>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  cursor: Scalars['String']['output'];
  node: WebhookDelivery;
};

export type WebhookDeliveryStatus =
  /** Every retry failed; no further attempt is made (redeliver to try again). */
  | 'DEAD'
  /** The endpoint answered 2xx. */
  | 'DELIVERED'
  /** Waiting for its first attempt or a retry. */
  | 'PENDING'
  /** Not sent: the endpoint's member may not read the record (or is deactivated). */
  | 'SKIPPED';

/** Where Gatehouse POSTs the events a business subscribed to, signed the Standard Webhooks way. Its API member's security role decides which records it hears of: an endpoint never hears of a record its member could not read. */
export type WebhookEndpoint = Node & {
  __typename?: 'WebhookEndpoint';
  /** False: nothing is sent (deliveries wait); set by an admin, or by Gatehouse after sustained failure. */
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** Deliveries to this endpoint, oldest first. */
  deliveries: WebhookDeliveryConnection;
  /** At most 500 characters. */
  description: Scalars['String']['output'];
  /** When Gatehouse disabled the endpoint after sustained failure. */
  disabledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why Gatehouse disabled the endpoint. */
  disabledReason?: Maybe<Scalars['String']['output']>;
  /** Subscribed events, among: job.created, job.updated, job.deleted, sales_order.created, sales_order.updated, sales_order.deleted, purchase_order.created, purchase_order.updated, purchase_order.deleted, supplier.created, supplier.updated, supplier.deleted, contact.created, contact.updated, contact.deleted, api_key.created, api_key.regenerated, api_key.revoked, api_member.created, api_member.updated, bulk_export.finished. */
  events: Array<Scalars['String']['output']>;
  /** Start of the current run of failed deliveries; null while healthy. */
  failingSince?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** The API member whose security role decides what the endpoint may hear of. */
  member?: Maybe<ApiMember>;
  /** Until when the secret before the last rotation still signs too. */
  previousSecretExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  updatedAt: Scalars['DateTime']['output'];
  url: Scalars['String']['output'];
};


/** Where Gatehouse POSTs the events a business subscribed to, signed the Standard Webhooks way. Its API member's security role decides which records it hears of: an endpoint never hears of a record its member could not read. */
export type WebhookEndpointDeliveriesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  status?: InputMaybe<WebhookDeliveryStatus>;
};

export type WebhookEndpointConnection = {
  __typename?: 'WebhookEndpointConnection';
  edges: Array<WebhookEndpointEdge>;
  nodes: Array<WebhookEndpoint>;
  pageInfo: PageInfo;
  /** How many records the list holds in all pages (the caller sees only what its role allows). */
  totalCount: Scalars['Int']['output'];
};

export type WebhookEndpointEdge = {
  __typename?: 'WebhookEndpointEdge';
  cursor: Scalars['String']['output'];
  node: WebhookEndpoint;
};

/** An endpoint and its signing secret, shown this once. */
export type WebhookEndpointWithSecret = {
  __typename?: 'WebhookEndpointWithSecret';
  endpoint: WebhookEndpoint;
  /** `whsec_…` (Standard Webhooks): verify deliveries with it. Shown only now. */
  secret: Scalars['String']['output'];
};

export type SyncJobsQueryVariables = Exact<{
  since: Scalars['DateTime']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SyncJobsQuery = { __typename?: 'Query', jobs?: { __typename?: 'JobConnection', nodes: Array<{ __typename?: 'Job', id: string, number: number, name: string, status: JobStatus, version: number, updatedAt: string, client?: { __typename?: 'Contact', id: string, name: string } | null }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null };

export type SyncDeletionsQueryVariables = Exact<{
  since: Scalars['DateTime']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SyncDeletionsQuery = { __typename?: 'Query', deletedRecords?: { __typename?: 'DeletedRecordConnection', nodes: Array<{ __typename?: 'DeletedRecord', id: string, type: DeletedRecordType, deletedAt: string }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } | null };

export type CreateProspectMutationVariables = Exact<{
  input: CreateContactInput;
}>;


export type CreateProspectMutation = { __typename?: 'Mutation', createContact: { __typename?: 'CreateContactPayload', idempotentReplay: boolean, contact?: { __typename?: 'Contact', id: string, version: number, name: string } | null } };


export const SyncJobsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SyncJobs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"jobs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"updatedSince"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"number"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"client"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SyncJobsQuery, SyncJobsQueryVariables>;
export const SyncDeletionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SyncDeletions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"since"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"deletedSince"},"value":{"kind":"Variable","name":{"kind":"Name","value":"since"}}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<SyncDeletionsQuery, SyncDeletionsQueryVariables>;
export const CreateProspectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateProspect"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateContactInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"idempotentReplay"}},{"kind":"Field","name":{"kind":"Name","value":"contact"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<CreateProspectMutation, CreateProspectMutationVariables>;