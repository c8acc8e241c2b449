import { defineResource } from '../../records/resource.js'
import { jobsResource } from '../jobs/jobs.resource.js'
import { suppliersResource } from '../suppliers/suppliers.resource.js'

/** Purchase orders take the owner of their job. */
export const purchaseOrdersResource = defineResource({
  typeName: 'PurchaseOrder',
  table: 'purchase_orders',
  module: 'PURCHASE_ORDERS',
  ownership: { kind: 'parent', parent: () => jobsResource, foreignKey: 'job_id' },
  columns: {
    id: 'id', business_id: 'id', number: 'int', job_id: 'id', supplier_id: 'id', status: 'text', order_date: 'date',
    expected_date: 'date', currency: 'text', subtotal: 'numeric', tax_total: 'numeric', total: 'numeric',
    version: 'int', created_at: 'timestamp', updated_at: 'timestamp',
  },
  relations: {
    job: { kind: 'one', target: () => jobsResource, foreignKey: 'job_id' },
    supplier: { kind: 'one', target: () => suppliersResource, foreignKey: 'supplier_id' },
    lines: {
      kind: 'lines',
      table: 'purchase_order_lines',
      foreignKey: 'purchase_order_id',
      orderColumn: 'position',
      columns: {
        position: 'int', sku: 'text', description: 'text', quantity: 'numeric', unit_cost: 'numeric',
        tax_rate: 'numeric', amount: 'numeric',
      },
    },
  },
  searchColumns: ['number'],
  softDelete: true,
  numbered: true,
})
