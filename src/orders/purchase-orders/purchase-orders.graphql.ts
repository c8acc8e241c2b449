import type { Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { defineRootFields } from '../../graphql/root-fields.js'
import { connectionOf, pageArgs } from '../../graphql/connections.js'
import { listFilterFields } from '../../graphql/filters.js'
import { recordFields } from '../../graphql/record-fields.js'
import { resolveLines, resolveOne } from '../../read/relations.js'
import { JobRef } from '../jobs/jobs.graphql.js'
import { SupplierRef } from '../suppliers/suppliers.graphql.js'
import { purchaseOrdersResource } from './purchase-orders.resource.js'

export type PurchaseOrderRow = Row<'purchase_orders'>
export type PurchaseOrderLineRow = Row<'purchase_order_lines'>

export const PurchaseOrderStatus = builder.enumType('PurchaseOrderStatus', {
  values: ['DRAFT', 'ORDERED', 'RECEIVED', 'BILLED', 'CLOSED'] as const,
})

export const PurchaseOrderLineRef = builder.objectRef<PurchaseOrderLineRow>('PurchaseOrderLine').implement({
  description: 'One line of a purchase order.',
  fields: (t) => ({
    position: t.exposeInt('position', { description: 'Line number, from 1, in display order.' }),
    sku: t.exposeString('sku', { nullable: true }),
    description: t.exposeString('description'),
    quantity: t.field({ type: 'Decimal', resolve: (line) => line.quantity }),
    unitCost: t.field({ type: 'Decimal', resolve: (line) => line.unit_cost }),
    taxRate: t.field({ type: 'Decimal', description: 'A fraction: "0.0825" is 8.25 %.', resolve: (line) => line.tax_rate }),
    amount: t.field({ type: 'Decimal', description: 'quantity × unitCost, rounded to cents.', resolve: (line) => line.amount }),
  }),
})

export const PurchaseOrderRef = builder.objectRef<PurchaseOrderRow>('PurchaseOrder')
export const PurchaseOrderConnection = connectionOf(PurchaseOrderRef, 'PurchaseOrder')

builder.node(PurchaseOrderRef, {
  description: 'A purchase order to a supplier, under a job. It takes the owner of its job.',
  id: { resolve: (order) => order.id },
  fields: (t) => ({
    number: t.exposeInt('number', { description: 'Unique within the business.' }),
    status: t.field({ type: PurchaseOrderStatus, resolve: (order) => order.status }),
    orderDate: t.field({ type: 'LocalDate', resolve: (order) => order.order_date }),
    expectedDate: t.field({ type: 'LocalDate', nullable: true, resolve: (order) => order.expected_date }),
    currency: t.field({ type: 'Currency', resolve: (order) => order.currency }),
    subtotal: t.field({ type: 'Decimal', resolve: (order) => order.subtotal }),
    taxTotal: t.field({ type: 'Decimal', resolve: (order) => order.tax_total }),
    total: t.field({ type: 'Decimal', resolve: (order) => order.total }),
    job: t.field({
      type: JobRef,
      nullable: true,
      authScopes: { perm: ['JOBS', 'INQUIRE'] },
      resolve: resolveOne(purchaseOrdersResource) as never,
    }),
    supplier: t.field({
      type: SupplierRef,
      nullable: true,
      resolve: resolveOne(purchaseOrdersResource) as never,
    }),
    lines: t.field({
      type: [PurchaseOrderLineRef],
      description: 'The lines in order (at most 500).',
      resolve: resolveLines(purchaseOrdersResource) as never,
    }),
    ...recordFields(t),
  }),
})

const PurchaseOrderFilter = builder.inputType('PurchaseOrderFilter', {
  fields: (t) => ({
    ...listFilterFields(t),
    status: t.field({ type: [PurchaseOrderStatus], required: false, description: 'Any of these statuses.' }),
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
