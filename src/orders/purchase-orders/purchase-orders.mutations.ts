import { resolveReference } from '../../records/write/guards.js'
import { defineOrderMutations } from '../order-mutations.js'
import { purchaseOrderLines } from '../order-lines.js'
import { suppliersResource } from '../suppliers/suppliers.resource.js'
import { PurchaseOrderRef, PurchaseOrderStatus } from './purchase-orders.graphql.js'
import { purchaseOrdersResource } from './purchase-orders.resource.js'

const SUPPLIER_DESCRIPTION = 'A supplier of your business (another one, or a deleted one, is NOT_FOUND naming this field).'

/** Purchase orders: an order to a supplier, expected on a date. */
defineOrderMutations({
  typeName: 'PurchaseOrder',
  field: 'purchaseOrder',
  noun: 'purchase order',
  module: 'PURCHASE_ORDERS',
  resource: purchaseOrdersResource,
  ref: PurchaseOrderRef,
  status: PurchaseOrderStatus,
  defaultStatus: 'DRAFT',
  lines: purchaseOrderLines,
  price: 'unitCost',
  createDescription:
    'Creates a purchase order with its lines and the next purchase order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result.',
  createFields: (t) => ({
    supplierId: t.id({ required: true, description: SUPPLIER_DESCRIPTION }),
    expectedDate: t.field({ type: 'LocalDate', description: 'When the goods are expected.' }),
  }),
  updateFields: (t) => ({
    supplierId: t.id({ description: SUPPLIER_DESCRIPTION }),
    expectedDate: t.field({ type: 'LocalDate', description: 'null removes it.' }),
  }),
  createColumns: async ({ trx, principal }, input) => ({
    supplier_id: (await resolveReference(trx, principal, suppliersResource, input.supplierId, 'input.supplierId')).id,
    expected_date: input.expectedDate ?? null,
  }),
  updateColumns: async ({ trx, principal }, input) => ({
    ...(input.expectedDate !== undefined ? { expected_date: input.expectedDate } : {}),
    ...(input.supplierId != null
      ? { supplier_id: (await resolveReference(trx, principal, suppliersResource, input.supplierId, 'input.supplierId')).id }
      : {}),
  }),
})
