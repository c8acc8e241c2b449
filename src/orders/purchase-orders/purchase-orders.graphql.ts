import type { Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { relationField } from '../../records/fields/relation-fields.js'
import { defineRootFields } from '../../records/fields/root-fields.js'
import { connectionOf } from '../../records/fields/connections.js'
import { anyOfFilterField, listFilterFields } from '../../records/fields/filters.js'
import { recordFields } from '../../records/fields/record-fields.js'
import { ownerField } from '../../records/fields/owner-field.js'
import { resolveLines } from '../../records/read/relations.js'
import { orderFields, orderLineFields } from '../order-fields.js'
import { SupplierRef } from '../suppliers/suppliers.graphql.js'
import { purchaseOrdersResource } from './purchase-orders.resource.js'

export type PurchaseOrderRow = Row<'purchase_orders'>
export type PurchaseOrderLineRow = Row<'purchase_order_lines'>

export const PurchaseOrderStatus = builder.enumType('PurchaseOrderStatus', {
  values: ['DRAFT', 'ORDERED', 'RECEIVED', 'BILLED', 'CLOSED'] as const,
})

export const PurchaseOrderLineRef = builder.objectRef<PurchaseOrderLineRow>('PurchaseOrderLine').implement({
  description: 'One line of a purchase order.',
  fields: (t) => orderLineFields(t, { field: 'unitCost', column: 'unit_cost' }),
})

export const PurchaseOrderRef = builder.objectRef<PurchaseOrderRow>('PurchaseOrder')
export const PurchaseOrderConnection = connectionOf(PurchaseOrderRef, 'PurchaseOrder')

builder.node(PurchaseOrderRef, {
  description: 'A purchase order to a supplier, under a job. It takes the owner of its job.',
  id: { resolve: (order) => order.id },
  fields: (t) => ({
    ...orderFields(t, purchaseOrdersResource),
    status: t.field({ type: PurchaseOrderStatus, resolve: (order) => order.status }),
    expectedDate: t.field({ type: 'LocalDate', nullable: true, resolve: (order) => order.expected_date }),
    supplier: relationField(t, purchaseOrdersResource, 'supplier', SupplierRef),
    lines: t.field({
      type: [PurchaseOrderLineRef],
      description: 'The lines in order (at most 500).',
      resolve: resolveLines(purchaseOrdersResource) as never,
    }),
    owner: ownerField(t, "The order's owner: the owner of its job, whose MINE and MY rules it follows."),
    ...recordFields(t),
  }),
})

const PurchaseOrderFilter = builder.inputType('PurchaseOrderFilter', {
  fields: (t) => ({
    ...listFilterFields(t),
    status: anyOfFilterField(t, PurchaseOrderStatus, 'statuses'),
  }),
})

defineRootFields({
  resource: purchaseOrdersResource,
  list: 'purchaseOrders',
  lookup: 'purchaseOrder',
  nodeRef: PurchaseOrderRef,
  connection: PurchaseOrderConnection,
  filter: PurchaseOrderFilter,
  columnFilters: { status: 'status' },
  description: 'Purchase orders the caller may see.',
})
