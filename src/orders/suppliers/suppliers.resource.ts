import { defineResource } from '../../records/resource.js'
import { purchaseOrdersResource } from '../purchase-orders/purchase-orders.resource.js'

/**
 * Suppliers belong to the PURCHASE_ORDERS module. They have no owner: they are the business's
 * reference data, so any INQUIRE level but NONE sees them all (a MINE reader must still see the
 * supplier of its own purchase orders).
 */
export const suppliersResource = defineResource({
  typeName: 'Supplier',
  table: 'suppliers',
  module: 'PURCHASE_ORDERS',
  ownership: { kind: 'none' },
  columns: {
    id: 'id', business_id: 'id', name: 'text', email: 'text', phone: 'text', version: 'int',
    created_at: 'timestamp', updated_at: 'timestamp',
  },
  relations: {
    purchaseOrders: { kind: 'many', target: () => purchaseOrdersResource, foreignKey: 'supplier_id' },
  },
  searchColumns: ['name', 'email'],
  softDelete: true,
  referrers: [{ resource: () => purchaseOrdersResource, foreignKey: 'supplier_id', what: 'a purchase order' }],
})
