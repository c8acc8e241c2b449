import { jobsResource } from '../../orders/jobs/jobs.resource.js'
import { salesOrdersResource } from '../../orders/sales-orders/sales-orders.resource.js'
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
  relations: {
    jobs: { kind: 'many', target: () => jobsResource, foreignKey: 'client_id' },
    salesOrders: { kind: 'many', target: () => salesOrdersResource, foreignKey: 'client_id' },
  },
  fieldColumns: { name: ['first_name', 'last_name'] },
  searchColumns: ['first_name', 'last_name', 'company'],
  softDelete: true,
})
