import { defineOrderMutations } from '../order-mutations.js'
import { salesOrderLines } from '../order-lines.js'
import { resolveClient } from '../references.js'
import { SalesOrderRef, SalesOrderStatus } from './sales-orders.graphql.js'
import { salesOrdersResource } from './sales-orders.resource.js'

/** Sales orders: an order of the job's client (or another client), due on a date. */
defineOrderMutations({
  typeName: 'SalesOrder',
  field: 'salesOrder',
  noun: 'sales order',
  module: 'SALES_ORDERS',
  resource: salesOrdersResource,
  ref: SalesOrderRef,
  status: SalesOrderStatus,
  defaultStatus: 'PENDING',
  lines: salesOrderLines,
  price: 'unitPrice',
  createDescription:
    'Creates a sales order with its lines and the next order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result.',
  createFields: (t) => ({
    clientId: t.id({
      description: 'A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first). Defaults to the job’s client.',
    }),
    dueDate: t.field({ type: 'LocalDate' }),
  }),
  updateFields: (t) => ({
    clientId: t.id({ description: 'A Contact of type CLIENT that you can read; null removes the client.' }),
    dueDate: t.field({ type: 'LocalDate', description: 'null removes it.' }),
  }),
  createColumns: async ({ trx, principal }, input, job) => ({
    client_id: input.clientId != null ? await resolveClient(trx, principal, input.clientId, 'input.clientId') : job.client_id,
    due_date: input.dueDate ?? null,
  }),
  updateColumns: async ({ trx, principal }, input) => ({
    ...(input.dueDate !== undefined ? { due_date: input.dueDate } : {}),
    ...(input.clientId !== undefined
      ? { client_id: input.clientId === null ? null : await resolveClient(trx, principal, input.clientId, 'input.clientId') }
      : {}),
  }),
})
