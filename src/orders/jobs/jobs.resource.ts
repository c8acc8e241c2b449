import { contactsResource } from '../../crm/contacts/contacts.resource.js'
import { defineResource } from '../../records/resource.js'
import { purchaseOrdersResource } from '../purchase-orders/purchase-orders.resource.js'
import { salesOrdersResource } from '../sales-orders/sales-orders.resource.js'

/** Jobs: a job's owner is its sales rep. */
export const jobsResource = defineResource({
  typeName: 'Job',
  table: 'jobs',
  module: 'JOBS',
  ownership: { kind: 'column', column: 'owner_id' },
  columns: {
    id: 'id', business_id: 'id', number: 'int', name: 'text', status: 'text', client_id: 'id', owner_id: 'id',
    in_hands_date: 'date', version: 'int', created_at: 'timestamp', updated_at: 'timestamp',
  },
  relations: {
    client: { kind: 'one', target: () => contactsResource, foreignKey: 'client_id' },
    salesOrders: { kind: 'many', target: () => salesOrdersResource, foreignKey: 'job_id' },
    purchaseOrders: { kind: 'many', target: () => purchaseOrdersResource, foreignKey: 'job_id' },
  },
  searchColumns: ['name', 'number'],
  softDelete: true,
  numbered: true,
  referrers: [
    { resource: () => salesOrdersResource, foreignKey: 'job_id', what: 'a sales order' },
    { resource: () => purchaseOrdersResource, foreignKey: 'job_id', what: 'a purchase order' },
  ],
})
