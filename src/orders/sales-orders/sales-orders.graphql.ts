import { ContactRef } from '../../crm/contacts/contacts.graphql.js'
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
import { salesOrdersResource } from './sales-orders.resource.js'

export type SalesOrderRow = Row<'sales_orders'>
export type SalesOrderLineRow = Row<'sales_order_lines'>

export const SalesOrderStatus = builder.enumType('SalesOrderStatus', {
  values: ['PENDING', 'OPEN', 'INVOICED', 'PAID'] as const,
})

export const SalesOrderLineRef = builder.objectRef<SalesOrderLineRow>('SalesOrderLine').implement({
  description: 'One line of a sales order.',
  fields: (t) => orderLineFields(t, { field: 'unitPrice', column: 'unit_price' }),
})

export const SalesOrderRef = builder.objectRef<SalesOrderRow>('SalesOrder')
export const SalesOrderConnection = connectionOf(SalesOrderRef, 'SalesOrder')

builder.node(SalesOrderRef, {
  description: 'A sales order to a client, under a job. It takes the owner of its job.',
  id: { resolve: (order) => order.id },
  fields: (t) => ({
    ...orderFields(t, salesOrdersResource),
    status: t.field({ type: SalesOrderStatus, resolve: (order) => order.status }),
    dueDate: t.field({ type: 'LocalDate', nullable: true, resolve: (order) => order.due_date }),
    client: relationField(t, salesOrdersResource, 'client', ContactRef),
    lines: t.field({
      type: [SalesOrderLineRef],
      description: 'The lines in order (at most 500).',
      resolve: resolveLines(salesOrdersResource) as never,
    }),
    owner: ownerField(t, "The order's owner: the owner of its job, whose MINE and MY rules it follows."),
    ...recordFields(t),
  }),
})

const SalesOrderFilter = builder.inputType('SalesOrderFilter', {
  fields: (t) => ({
    ...listFilterFields(t),
    status: anyOfFilterField(t, SalesOrderStatus, 'statuses'),
  }),
})

defineRootFields({
  resource: salesOrdersResource,
  list: 'salesOrders',
  lookup: 'salesOrder',
  nodeRef: SalesOrderRef,
  connection: SalesOrderConnection,
  filter: SalesOrderFilter,
  columnFilters: { status: 'status' },
  description: 'Sales orders the caller may see.',
})
