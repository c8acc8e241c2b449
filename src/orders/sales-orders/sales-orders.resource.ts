import { contactsResource } from '../../crm/contacts/contacts.resource.js'
import { defineResource } from '../../records/resource.js'
import { jobsResource } from '../jobs/jobs.resource.js'

/** Sales orders take the owner of their job. */
export const salesOrdersResource = defineResource({
  typeName: 'SalesOrder',
  table: 'sales_orders',
  module: 'SALES_ORDERS',
  ownership: { kind: 'parent', parent: () => jobsResource, foreignKey: 'job_id' },
  columns: {
    id: 'id', business_id: 'id', number: 'int', job_id: 'id', client_id: 'id', status: 'text', order_date: 'date',
    due_date: 'date', currency: 'text', subtotal: 'numeric', tax_total: 'numeric', total: 'numeric', version: 'int',
    created_at: 'timestamp', updated_at: 'timestamp',
  },
  relations: {
    job: { kind: 'one', target: () => jobsResource, foreignKey: 'job_id' },
    client: { kind: 'one', target: () => contactsResource, foreignKey: 'client_id' },
    lines: {
      kind: 'lines',
      table: 'sales_order_lines',
      foreignKey: 'sales_order_id',
      orderColumn: 'position',
      columns: {
        position: 'int', sku: 'text', description: 'text', quantity: 'numeric', unit_price: 'numeric',
        tax_rate: 'numeric', amount: 'numeric',
      },
    },
  },
  searchColumns: ['number'],
  softDelete: true,
  numbered: true,
})
