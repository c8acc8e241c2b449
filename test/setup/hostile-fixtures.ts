import { sql } from 'kysely'
import { uniformMatrix } from '../../src/access/permissions.js'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import type { TestServer } from './app.js'
import { hashPassword } from '../../src/access/credentials/passwords.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, type SignedIn, createMemberWithKeys, createRoleSql, generateKeys, signIn, signInAsAdmin } from './clients.js'
import { insertUser } from './factories.js'
import type { Args, Samples } from './hostile-probes.js'

/**
 * The world test/server/hostile-input.test.ts probes: records written through the API (the real
 * write path), spare principals, roles and keys for the admin mutations to aim at, a valid
 * baseline for every argument-taking root field, and a fingerprint of every business table.
 */

const SO_LINE = { description: 'Probe line', quantity: '2', unitPrice: '10.50', sku: 'SKU-1', taxRate: '0.1' }
const PO_LINE = { description: 'Probe line', quantity: '2', unitCost: '4.25', sku: 'SKU-1', taxRate: '0.1' }
export const SAMPLES: Samples = {
  SalesOrderLineInput: SO_LINE,
  PurchaseOrderLineInput: PO_LINE,
  SalesOrderLineUpdateInput: { position: 1 },
  PurchaseOrderLineUpdateInput: { position: 1 },
  ContactPointInput: { label: 'work', value: '+1 555 0100' },
  EmailInput: { label: 'work', value: 'probe@example.com' },
  PostalAddressInput: { label: 'hq', line1: '1 Probe Road', line2: 'Suite 2', city: 'Town', region: 'CA', postalCode: '90210', country: 'US' },
  PermissionInput: { module: 'JOBS', operation: 'INQUIRE', level: 'ALL' },
}
const SINCE = '2000-01-01T00:00:00Z'
const FUTURE = '2099-01-01T00:00:00Z'

/** Admin-only root fields: probed with the session only (an API key is FORBIDDEN there by design). */
export const ADMIN_ONLY = new Set([
  'apiKeys', 'apiMembers', 'auditEvents', 'securityRoles', 'teams', 'users', 'changePassword', 'createApiMember',
  'createSecurityRole', 'createTeam', 'createUser', 'deleteSecurityRole', 'generateApiKeys', 'regenerateApiKeys',
  'revokeApiKey', 'signIn', 'signOut', 'updateApiMember', 'updateSecurityRole', 'updateUser', 'liftSignInLocks',
  'setRateLimitBudget', 'setBusinessRateLimitBudget', 'updateApiKeys',
  'webhookEndpoints', 'createWebhookEndpoint', 'updateWebhookEndpoint', 'deleteWebhookEndpoint', 'rotateWebhookSecret',
  'redeliverWebhook', 'replayWebhooks',
])

/** Tables a refused mutation must not change (audit_events is reported separately). */
export const BUSINESS_TABLES = [
  'jobs', 'contacts', 'sales_orders', 'purchase_orders', 'suppliers', 'sales_order_lines', 'purchase_order_lines',
  'principals', 'security_roles', 'teams', 'api_keys', 'sessions', 'business_counters', 'idempotency_keys',
  'login_emails', 'api_key_lookups',
] as const

export interface Fixtures {
  admin: SignedIn
  partnerHeaders: Record<string, string>
  /** The session a field is probed with: changePassword has a user of its own, so the admin's password never moves. */
  sessionHeaders(field: string): Record<string, string>
  /** An accepted changePassword probe set this password: the next baseline's oldPassword follows it. */
  passwordChanged(password: string): void
  queryBaseline(field: string): Args
  mutationBaseline(field: string, n: number, path: string[]): Promise<Args>
  otherTypeId(idType: string): string | undefined
  /** A valid id of each record type, for random probes. */
  ids: Record<string, string>
}

export async function createFixtures(server: TestServer): Promise<Fixtures> {
  const admin = await signInAsAdmin(server)
  const db = server.app.services.database.db
  const call = async (query: string, input: Args): Promise<any> => {
    const { body } = await server.graphql(query, { variables: { input }, headers: admin.headers })
    if (body.errors) throw new Error(`fixture ${query.slice(0, 60)} refused: ${JSON.stringify(body.errors)}`)
    return Object.values(body.data)[0]
  }
  const adminRole = await db.selectFrom('security_roles').select('id')
    .where('business_id', '=', admin.businessId).where('is_builtin', '=', true).executeTakeFirstOrThrow()
  // The partner: an API member holding the built-in Admin role (ALL everywhere).
  const partner = await createMemberWithKeys(server, admin, { roleId: adminRole.id, name: 'Hostile partner' })
  const heldRoleDb = await createRoleSql(server, admin.businessId, uniformMatrix('ALL'), 'Held role')
  const heldRole = encodeGlobalId('SecurityRole', heldRoleDb)
  const spareRole = encodeGlobalId('SecurityRole', await createRoleSql(server, admin.businessId, uniformMatrix('NONE'), 'Spare role'))
  const updateRole = encodeGlobalId('SecurityRole', await createRoleSql(server, admin.businessId, uniformMatrix('NONE'), 'Update role'))
  const team = (await call('mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }', { name: 'Probe team' })).id
  const spareMember = await createMemberWithKeys(server, admin, { roleId: heldRoleDb, name: 'Spare member' })
  const keyless = await db.insertInto('principals')
    .values({ business_id: admin.businessId, kind: 'API_MEMBER', name: 'Keyless member', role_id: heldRoleDb })
    .returning('id').executeTakeFirstOrThrow()
  const keylessMember = encodeGlobalId('ApiMember', keyless.id)
  const user = async (name: string) => encodeGlobalId('User', await insertUser(db, { businessId: admin.businessId, name, email: `${name}@hostile.test`, roleId: heldRoleDb }))
  const spareUser = await user('spare')
  const keylessUser = await user('keyless')
  await generateKeys(server, admin, { userId: spareUser, description: 'spare user keys' })
  // changePassword's own user: probes run one at a time, its baseline keeps the password unchanged.
  let password = 'probe password 0'
  const passwordEmail = 'password-probe@hostile.test'
  await insertUser(db, { businessId: admin.businessId, name: 'Password probe', email: passwordEmail, roleId: heldRoleDb, passwordHash: await hashPassword(password) })
  const passwordUser = await signIn(server, passwordEmail, password)
  const spareKey = await db.selectFrom('api_keys').select('id').where('public_key', '=', spareMember.secondary.publicKey).executeTakeFirstOrThrow()

  const contact = (type: string, firstName: string) =>
    call('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', { type, firstName, lastName: 'Fixture' })
      .then((payload) => payload.contact.id as string)
  const client = await contact('CLIENT', 'Client')
  const prospect = await contact('PROSPECT', 'Prospect')
  const spareClient = await contact('CLIENT', 'Spare')
  const job = (name: string, clientId?: string) =>
    call('mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }', { name, clientId }).then((payload) => payload.job.id as string)
  const mainJob = await job('Main job', client)
  const spareJob = await job('Spare job')
  const supplierOf = (name: string) =>
    call('mutation($input: CreateSupplierInput!) { createSupplier(input: $input) { supplier { id } } }', { name }).then((payload) => payload.supplier.id as string)
  const supplier = await supplierOf('Main supplier')
  const spareSupplier = await supplierOf('Spare supplier')
  const salesOrder = () => call('mutation($input: CreateSalesOrderInput!) { createSalesOrder(input: $input) { salesOrder { id } } }',
    { jobId: mainJob, currency: 'USD', lines: [SO_LINE] }).then((payload) => payload.salesOrder.id as string)
  const purchaseOrder = () => call('mutation($input: CreatePurchaseOrderInput!) { createPurchaseOrder(input: $input) { purchaseOrder { id } } }',
    { jobId: mainJob, supplierId: supplier, currency: 'USD', lines: [PO_LINE] }).then((payload) => payload.purchaseOrder.id as string)
  const [so, spareSo, po, sparePo] = [await salesOrder(), await salesOrder(), await purchaseOrder(), await purchaseOrder()]
  // A tombstone, so deletedRecords has a row to page past.
  const gone = await contact('CLIENT', 'Gone')
  await call('mutation($input: DeleteContactInput!) { deleteContact(input: $input) { version } }', { id: gone, expectedVersion: 1 })

  const versionOf = async (table: 'contacts' | 'jobs' | 'suppliers' | 'sales_orders' | 'purchase_orders', id: string) =>
    (await db.selectFrom(table).select('version').where('id', '=', decodeGlobalId(id).id).executeTakeFirstOrThrow()).version
  const versioned = (table: Parameters<typeof versionOf>[0], id: string) => async () => ({ input: { id, expectedVersion: await versionOf(table, id) } })
  const me = encodeGlobalId('User', admin.userId)
  // A webhook endpoint on loopback where nothing listens, subscribed to an event no accepted probe makes.
  const hook = (await call('mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }',
    { url: 'http://127.0.0.1:9/probe', events: ['job.deleted'], memberId: spareMember.globalId, description: 'probe' })).endpoint.id as string
  const baselines: Record<string, (n: number, path: string[]) => Args | Promise<Args>> = {
    changePassword: () => ({ input: { oldPassword: password, newPassword: password } }),
    convertProspectToClient: versioned('contacts', prospect),
    createApiMember: (n) => ({ input: { name: `Probe member ${n}`, description: 'probe', roleId: heldRole, teamId: team } }),
    createContact: (n) => ({ input: {
      type: 'CLIENT', firstName: 'Probe', lastName: `Contact ${n}`, company: 'Probe Co', title: 'Buyer', ownerId: me,
      idempotencyKey: `probe-${n}`, emails: [SAMPLES.EmailInput], phones: [SAMPLES.ContactPointInput], addresses: [SAMPLES.PostalAddressInput],
    } }),
    createJob: (n) => ({ input: { name: `Probe job ${n}`, clientId: client, ownerId: me, inHandsDate: '2027-03-01', status: 'WIP', idempotencyKey: `probe-${n}` } }),
    createPurchaseOrder: (n) => ({ input: {
      jobId: mainJob, supplierId: supplier, currency: 'USD', orderDate: '2027-01-01', expectedDate: '2027-02-01', status: 'DRAFT',
      idempotencyKey: `probe-${n}`, lines: [PO_LINE],
    } }),
    createSalesOrder: (n) => ({ input: {
      jobId: mainJob, clientId: client, currency: 'USD', orderDate: '2027-01-01', dueDate: '2027-02-01', status: 'PENDING',
      idempotencyKey: `probe-${n}`, lines: [SO_LINE],
    } }),
    createSecurityRole: (n) => ({ input: { name: `Probe role ${n}`, permissions: [SAMPLES.PermissionInput] } }),
    createSupplier: (n) => ({ input: { name: `Probe supplier ${n}`, email: 'supplies@example.com', phone: '+1 555 0100', idempotencyKey: `probe-${n}` } }),
    createTeam: (n) => ({ input: { name: `Probe team ${n}` } }),
    createUser: (n) => ({ input: { email: `probe${n}@hostile.test`, name: `Probe user ${n}`, password: 'probe password 123', roleId: heldRole, teamId: team } }),
    deleteContact: versioned('contacts', spareClient),
    deleteJob: versioned('jobs', spareJob),
    deletePurchaseOrder: versioned('purchase_orders', sparePo),
    deleteSalesOrder: versioned('sales_orders', spareSo),
    deleteSecurityRole: () => ({ input: { id: spareRole } }),
    deleteSupplier: versioned('suppliers', spareSupplier),
    // Exactly one owner (or one key reference): a probe of the other one swaps it in.
    generateApiKeys: (_n, path) => ({ input: { ...(path[1] === 'userId' ? { userId: keylessUser } : { memberId: keylessMember }), description: 'probe keys', expiresAt: FUTURE } }),
    regenerateApiKeys: (_n, path) => ({ input: {
      ...(path[1] === 'userId' ? { userId: spareUser } : { memberId: spareMember.globalId }), slot: 'BOTH', confirm: true, graceSeconds: 60, expiresAt: FUTURE,
    } }),
    revokeApiKey: (_n, path) => ({ input: path[1] === 'publicKey' ? { publicKey: spareMember.secondary.publicKey } : { id: encodeGlobalId('ApiKey', spareKey.id) } }),
    signIn: () => ({ input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
    updateApiMember: () => ({ input: { id: spareMember.globalId } }),
    updateContact: versioned('contacts', client),
    updateJob: versioned('jobs', mainJob),
    updatePurchaseOrder: versioned('purchase_orders', po),
    updateSalesOrder: versioned('sales_orders', so),
    updateSecurityRole: () => ({ input: { id: updateRole } }),
    updateSupplier: versioned('suppliers', supplier),
    updateUser: () => ({ input: { id: spareUser } }),
    liftSignInLocks: () => ({ input: { userId: spareUser } }),
    updateApiKeys: (_n, path) => ({ input: { ...(path[1] === 'userId' ? { userId: spareUser } : { memberId: spareMember.globalId }), description: 'probe keys' } }),
    setRateLimitBudget: () => ({ input: { principalId: spareMember.globalId, limit: 100_000, restoreRate: 1_000 } }),
    // Neither value: a probe of one makes half a budget, refused; the business keeps its default.
    setBusinessRateLimitBudget: () => ({ input: { limit: null, restoreRate: null } }),
    createWebhookEndpoint: () => ({ input: { url: 'http://127.0.0.1:9/probe', events: ['job.deleted'], memberId: spareMember.globalId, description: 'probe' } }),
    updateWebhookEndpoint: () => ({ input: { id: hook } }),
    deleteWebhookEndpoint: () => ({ input: { id: hook } }),
    rotateWebhookSecret: () => ({ input: { id: hook, overlapSeconds: 60 } }),
    redeliverWebhook: () => ({ input: { deliveryId: encodeGlobalId('WebhookDelivery', '1') } }),
    replayWebhooks: () => ({ input: { endpointId: hook, since: SINCE } }),
    startBulkExport: () => ({ input: { query: '{ jobs { nodes { number } } }' } }),
    cancelBulkExport: () => ({ input: { id: encodeGlobalId('BulkExport', '1') } }),
  }
  const queries: Record<string, Args> = {
    job: { id: mainJob }, contact: { id: client }, salesOrder: { id: so }, purchaseOrder: { id: po }, supplier: { id: supplier },
    node: { id: mainJob }, nodes: { ids: [mainJob, client] }, deletedRecords: { filter: { deletedSince: SINCE } },
  }
  return {
    admin,
    partnerHeaders: { authorization: `Bearer ${partner.primary.key}` },
    sessionHeaders: (field) => (field === 'changePassword' ? passwordUser.headers : admin.headers),
    passwordChanged: (value) => {
      password = value
    },
    queryBaseline: (field) => structuredClone(queries[field] ?? {}),
    async mutationBaseline(field, n, path) {
      const baseline = baselines[field]
      if (!baseline) throw new Error(`no baseline for mutation ${field}: add one to test/setup/hostile-fixtures.ts`)
      return structuredClone(await baseline(n, path))
    },
    otherTypeId: (idType) => (idType === 'Contact' ? mainJob : client),
    ids: { Job: mainJob, Contact: client, SalesOrder: so, PurchaseOrder: po, Supplier: supplier },
  }
}

/** The baseline a cursor probe of a list also runs under: sync order, where `s` cursors reach SQL. */
export const SYNC_VARIANT = { filter: { updatedSince: SINCE } }

/** Row count and content digest of every business table (api_keys without its last-use stamp). */
export async function fingerprint(server: TestServer): Promise<Record<string, string>> {
  const db = server.app.services.database.db
  const result: Record<string, string> = {}
  for (const table of BUSINESS_TABLES) {
    const row = await sql<{ n: number; digest: string }>`
      select count(*)::int as n, md5(coalesce(string_agg(r, '|' order by r), '')) as digest
      from (select (to_jsonb(t) - 'last_used_at')::text as r from ${sql.table(table)} t) rows`.execute(db)
    result[table] = `${row.rows[0]!.n} rows, ${row.rows[0]!.digest}`
  }
  return result
}

/** Audit actions written since an audit id, with their counts. */
export async function auditSince(server: TestServer, afterId: string): Promise<Record<string, number>> {
  const rows = await server.app.services.database.db.selectFrom('audit_events').select(['action', (eb) => eb.fn.countAll<number>().as('n')])
    .where('id', '>', afterId).groupBy('action').execute()
  return Object.fromEntries(rows.map((row) => [row.action, Number(row.n)]))
}

export async function lastAuditId(server: TestServer): Promise<string> {
  const row = await server.app.services.database.db.selectFrom('audit_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
  return String(row?.id ?? '0')
}
