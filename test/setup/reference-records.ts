import type { Module } from '../../src/access/permissions.js'

/**
 * The record types as the reference reader sees them, written from the migrations, the printed
 * schema and the contract's ownership rules — deliberately not from src/records (resources, the
 * compiler, row-scope), so that a mistake there cannot hide in the test too.
 */

export type TypeName = 'Job' | 'Contact' | 'SalesOrder' | 'PurchaseOrder' | 'Supplier'
export const TYPE_NAMES: readonly TypeName[] = ['Job', 'Contact', 'SalesOrder', 'PurchaseOrder', 'Supplier']

/**
 * Who owns a row (what MY and MINE look at): its own owner column (contacts and jobs: the sales
 * rep), the owner of its job (sales and purchase orders), or nobody (suppliers: reference data,
 * seen whole at any level but NONE).
 */
export type Ownership = 'owner column' | 'owner of its job' | 'nobody'

/** How a GraphQL field of a record is answered from the row the reference loaded. */
export type FieldRule =
  | { kind: 'id' }
  | { kind: 'value'; column: string }
  /** Timestamps: the row carries epoch milliseconds; the DateTime scalar answers ISO 8601 in UTC. */
  | { kind: 'datetime'; column: string }
  /** Contact.name: "First and last name together" (an empty part leaves no stray space). */
  | { kind: 'full name' }
  /** JSON arrays of small objects (emails, phones: ContactPoint; addresses: PostalAddress). */
  | { kind: 'objects'; column: string; typeName: 'ContactPoint' | 'PostalAddress' }
  /** parent.column → target.id */
  | { kind: 'one'; target: TypeName; column: string }
  /** target.column → parent.id, as a connection */
  | { kind: 'many'; target: TypeName; column: string }
  /** The record's owner (a user or API member, with its team): what MINE and MY look at. */
  | { kind: 'owner'; column: string }
  /** An order's lines, in position order: part of the order, no permission of their own. */
  | { kind: 'lines'; table: string; column: string; typeName: string; price: { field: string; column: string } }

export interface RecordType {
  name: TypeName
  table: string
  module: Module
  ownership: Ownership
  /** The select list over alias `r`: every value already as the answer shows it (text for exact values). */
  select: string
  /** Text columns the `search` filter matches (case-insensitive substring). */
  search: string[]
  /** Filter fields compared with a column: `status: [..]` is any of, `type: X` is equality. */
  columnFilters: Record<string, string>
  fields: Record<string, FieldRule>
}

// Exact values leave SQL as text (ids may pass 2^53, money must not round) and timestamps as epoch
// milliseconds, which is the precision the DateTime scalar answers with.
const common = `r.id::text as id, r.business_id::text as business_id, r.version::int as version,
  floor(extract(epoch from r.created_at) * 1000)::bigint::text as created_ms,
  floor(extract(epoch from r.updated_at) * 1000)::bigint::text as updated_ms,
  r.updated_at::text as updated_text`

const recordFields: Record<string, FieldRule> = {
  id: { kind: 'id' },
  version: { kind: 'value', column: 'version' },
  createdAt: { kind: 'datetime', column: 'created_ms' },
  updatedAt: { kind: 'datetime', column: 'updated_ms' },
}

const orderSelect = `${common}, r.number::int as number, r.job_id::text as job_id, r.status, r.order_date::text as order_date,
  r.currency::text as currency, r.subtotal::text as subtotal, r.tax_total::text as tax_total, r.total::text as total,
  (select j.owner_id from jobs j where j.business_id = r.business_id and j.id = r.job_id)::text as owner_id`

const orderFields: Record<string, FieldRule> = {
  ...recordFields,
  number: { kind: 'value', column: 'number' },
  orderDate: { kind: 'value', column: 'order_date' },
  currency: { kind: 'value', column: 'currency' },
  subtotal: { kind: 'value', column: 'subtotal' },
  taxTotal: { kind: 'value', column: 'tax_total' },
  total: { kind: 'value', column: 'total' },
  status: { kind: 'value', column: 'status' },
  job: { kind: 'one', target: 'Job', column: 'job_id' },
  owner: { kind: 'owner', column: 'owner_id' },
}

export const RECORD_TYPES: Record<TypeName, RecordType> = {
  Job: {
    name: 'Job',
    table: 'jobs',
    module: 'JOBS',
    ownership: 'owner column',
    select: `${common}, r.number::int as number, r.name, r.status, r.in_hands_date::text as in_hands_date,
      r.client_id::text as client_id, r.owner_id::text as owner_id`,
    search: ['name', 'number'],
    columnFilters: { status: 'status' },
    fields: {
      ...recordFields,
      number: { kind: 'value', column: 'number' },
      name: { kind: 'value', column: 'name' },
      status: { kind: 'value', column: 'status' },
      inHandsDate: { kind: 'value', column: 'in_hands_date' },
      client: { kind: 'one', target: 'Contact', column: 'client_id' },
      salesOrders: { kind: 'many', target: 'SalesOrder', column: 'job_id' },
      purchaseOrders: { kind: 'many', target: 'PurchaseOrder', column: 'job_id' },
      owner: { kind: 'owner', column: 'owner_id' },
    },
  },
  Contact: {
    name: 'Contact',
    table: 'contacts',
    module: 'CONTACTS',
    ownership: 'owner column',
    select: `${common}, r.type, r.first_name, r.last_name, r.company, r.title, r.emails, r.phones, r.addresses,
      r.owner_id::text as owner_id`,
    search: ['first_name', 'last_name', 'company'],
    columnFilters: { type: 'type' },
    fields: {
      ...recordFields,
      type: { kind: 'value', column: 'type' },
      firstName: { kind: 'value', column: 'first_name' },
      lastName: { kind: 'value', column: 'last_name' },
      name: { kind: 'full name' },
      company: { kind: 'value', column: 'company' },
      title: { kind: 'value', column: 'title' },
      emails: { kind: 'objects', column: 'emails', typeName: 'ContactPoint' },
      phones: { kind: 'objects', column: 'phones', typeName: 'ContactPoint' },
      addresses: { kind: 'objects', column: 'addresses', typeName: 'PostalAddress' },
      jobs: { kind: 'many', target: 'Job', column: 'client_id' },
      salesOrders: { kind: 'many', target: 'SalesOrder', column: 'client_id' },
      owner: { kind: 'owner', column: 'owner_id' },
    },
  },
  SalesOrder: {
    name: 'SalesOrder',
    table: 'sales_orders',
    module: 'SALES_ORDERS',
    ownership: 'owner of its job',
    select: `${orderSelect}, r.due_date::text as due_date, r.client_id::text as client_id`,
    search: ['number'],
    columnFilters: { status: 'status' },
    fields: {
      ...orderFields,
      dueDate: { kind: 'value', column: 'due_date' },
      client: { kind: 'one', target: 'Contact', column: 'client_id' },
      lines: {
        kind: 'lines', table: 'sales_order_lines', column: 'sales_order_id', typeName: 'SalesOrderLine',
        price: { field: 'unitPrice', column: 'unit_price' },
      },
    },
  },
  PurchaseOrder: {
    name: 'PurchaseOrder',
    table: 'purchase_orders',
    module: 'PURCHASE_ORDERS',
    ownership: 'owner of its job',
    select: `${orderSelect}, r.expected_date::text as expected_date, r.supplier_id::text as supplier_id`,
    search: ['number'],
    columnFilters: { status: 'status' },
    fields: {
      ...orderFields,
      expectedDate: { kind: 'value', column: 'expected_date' },
      supplier: { kind: 'one', target: 'Supplier', column: 'supplier_id' },
      lines: {
        kind: 'lines', table: 'purchase_order_lines', column: 'purchase_order_id', typeName: 'PurchaseOrderLine',
        price: { field: 'unitCost', column: 'unit_cost' },
      },
    },
  },
  Supplier: {
    name: 'Supplier',
    table: 'suppliers',
    module: 'PURCHASE_ORDERS',
    ownership: 'nobody',
    select: `${common}, r.name, r.email, r.phone`,
    search: ['name', 'email'],
    columnFilters: {},
    fields: {
      ...recordFields,
      name: { kind: 'value', column: 'name' },
      email: { kind: 'value', column: 'email' },
      phone: { kind: 'value', column: 'phone' },
      purchaseOrders: { kind: 'many', target: 'PurchaseOrder', column: 'supplier_id' },
    },
  },
}

/** Root fields: the list and the lookup of each record type. */
export const ROOT_LISTS: Record<string, TypeName> = {
  jobs: 'Job', contacts: 'Contact', salesOrders: 'SalesOrder', purchaseOrders: 'PurchaseOrder', suppliers: 'Supplier',
}
export const ROOT_LOOKUPS: Record<string, TypeName> = {
  job: 'Job', contact: 'Contact', salesOrder: 'SalesOrder', purchaseOrder: 'PurchaseOrder', supplier: 'Supplier',
}

/** An order line's columns, by GraphQL field (the unit amount's name differs by order type). */
export const LINE_COLUMNS: Record<string, string> = {
  position: 'position', sku: 'sku', description: 'description', quantity: 'quantity', taxRate: 'tax_rate', amount: 'amount',
}

/** Object types without records of their own, and their fields (a nested one is another such type). */
export const PLAIN_TYPES: Record<string, Record<string, string | null>> = {
  ContactPoint: { label: null, value: null },
  PostalAddress: { label: null, line1: null, line2: null, city: null, region: null, postalCode: null, country: null },
  SalesOrderLine: { ...Object.fromEntries(Object.keys(LINE_COLUMNS).map((field) => [field, null])), unitPrice: null },
  PurchaseOrderLine: { ...Object.fromEntries(Object.keys(LINE_COLUMNS).map((field) => [field, null])), unitCost: null },
  PageInfo: { hasNextPage: null, hasPreviousPage: null, startCursor: null, endCursor: null },
  RecordOwner: { id: null, kind: null, name: null, team: 'RecordOwnerTeam' },
  RecordOwnerTeam: { id: null, name: null },
}

/** Whether the reference answers this field (generators keep to these; a test checks the schema has no others). */
export function referenceKnows(typeName: string, field: string): boolean {
  if (field === '__typename') return true
  if (isTypeName(typeName)) return field in RECORD_TYPES[typeName].fields
  if (typeName.endsWith('Connection') && isTypeName(typeName.slice(0, -'Connection'.length))) {
    return ['edges', 'nodes', 'pageInfo', 'totalCount'].includes(field)
  }
  if (typeName.endsWith('Edge') && isTypeName(typeName.slice(0, -'Edge'.length))) return ['cursor', 'node'].includes(field)
  return field in (PLAIN_TYPES[typeName] ?? {})
}

export const isTypeName = (name: string): name is TypeName => (TYPE_NAMES as readonly string[]).includes(name)
