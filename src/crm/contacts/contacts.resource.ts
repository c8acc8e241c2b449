import { sql } from 'kysely'
import { defineResource } from '../../records/resource.js'

/** Contacts (clients and prospects): a contact's owner is its sales rep. */
export const contactsResource = defineResource({
  typeName: 'Contact',
  table: 'contacts',
  module: 'CONTACTS',
  ownership: { kind: 'column', column: 'owner_id' },
  columns: {
    id: 'id', business_id: 'id', type: 'text', first_name: 'text', last_name: 'text', company: 'text', title: 'text',
    emails: 'json', phones: 'json', addresses: 'json', owner_id: 'id', version: 'int', created_at: 'timestamp',
    updated_at: 'timestamp',
  },
  // Orders adds jobs and salesOrders (src/orders/contacts/contact-orders.ts).
  relations: {},
  fieldColumns: { name: ['first_name', 'last_name'] },
  // The `name` resolver joins the non-empty names with a space (contacts.graphql.ts).
  fieldSql: { name: (alias) => sql<string>`concat_ws(' ', nullif(${sql.ref(`${alias}.first_name`)}, ''), nullif(${sql.ref(`${alias}.last_name`)}, ''))` },
  searchColumns: ['first_name', 'last_name', 'company'],
  softDelete: true,
})
