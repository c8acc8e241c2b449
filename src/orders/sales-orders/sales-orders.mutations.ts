import { builder } from '../../graphql/builder.js'
import { deletePayload, recordPayload } from '../../records/fields/payloads.js'
import { idempotencyKeyField, versionFields } from '../../records/write/inputs.js'
import { resolveReference } from '../../records/write/guards.js'
import { createRecord, deleteRecord, updateRecord } from '../../records/write/mutations.js'
import { nextNumber } from '../../records/write/numbers.js'
import { jobsResource } from '../jobs/jobs.resource.js'
import { MAX_LINES, lineChangeFields, lineInputTypes, linesReplaceOrPatch } from '../order-line-inputs.js'
import { type PricedOrder, applyLineChanges, insertLines, priceOrder, salesOrderLines, toLineInput } from '../order-lines.js'
import { resolveClient } from '../references.js'
import { SalesOrderRef, SalesOrderStatus } from './sales-orders.graphql.js'
import { salesOrdersResource } from './sales-orders.resource.js'

const lineTypes = lineInputTypes('SalesOrder', 'unitPrice')

const CLIENT_DESCRIPTION =
  'A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first). Defaults to the job’s client.'
// The Currency scalar matches codes in any case; they are stored (and answered) in capitals.
const CURRENCY_DESCRIPTION = 'An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field.'

const CreateSalesOrderInput = builder.inputType('CreateSalesOrderInput', {
  fields: (t) => ({
    jobId: t.id({
      required: true,
      description: 'The job the order belongs to; the order takes its owner, so it must be a job your SALES_ORDERS ADD level covers (MINE: your own jobs, MY: your team’s).',
    }),
    clientId: t.id({ description: CLIENT_DESCRIPTION }),
    // Nullable with a default, not non-null: graphql-jit drops the defaults of non-null input fields.
    status: t.field({ type: SalesOrderStatus, defaultValue: 'PENDING', description: 'Default PENDING.' }),
    orderDate: t.field({ type: 'LocalDate', description: 'Defaults to today.' }),
    dueDate: t.field({ type: 'LocalDate' }),
    currency: t.field({ type: 'Currency', required: true, description: CURRENCY_DESCRIPTION }),
    lines: t.field({
      type: [lineTypes.line],
      required: true,
      description: `The lines, in order (at most ${MAX_LINES}). Totals are computed from them.`,
      validate: { maxLength: MAX_LINES },
    }),
    idempotencyKey: idempotencyKeyField(t),
  }),
})

const UpdateSalesOrderInput = builder.inputType('UpdateSalesOrderInput', {
  description: 'Fields left out stay as they are. Line changes recompute the totals and make a new version.',
  validate: [linesReplaceOrPatch],
  fields: (t) => ({
    ...versionFields(t),
    status: t.field({ type: SalesOrderStatus }),
    clientId: t.id({ description: 'A Contact of type CLIENT that you can read; null removes the client.' }),
    orderDate: t.field({ type: 'LocalDate' }),
    dueDate: t.field({ type: 'LocalDate', description: 'null removes it.' }),
    currency: t.field({ type: 'Currency', description: CURRENCY_DESCRIPTION }),
    ...lineChangeFields(t, lineTypes),
  }),
})

const DeleteSalesOrderInput = builder.inputType('DeleteSalesOrderInput', { fields: (t) => versionFields(t) })

const CreateSalesOrderPayload = recordPayload('CreateSalesOrderPayload', 'salesOrder', SalesOrderRef, salesOrdersResource)
const UpdateSalesOrderPayload = recordPayload('UpdateSalesOrderPayload', 'salesOrder', SalesOrderRef, salesOrdersResource)
const DeleteSalesOrderPayload = deletePayload('DeleteSalesOrderPayload')

builder.mutationFields((t) => ({
  createSalesOrder: t.field({
    type: CreateSalesOrderPayload,
    description:
      'Creates a sales order with its lines and the next order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result.',
    args: { input: t.arg({ type: CreateSalesOrderInput, required: true }) },
    authScopes: { perm: ['SALES_ORDERS', 'ADD'] },
    resolve: (_root, { input }, context) => {
      let priced: PricedOrder
      return createRecord(
        context,
        salesOrdersResource,
        'createSalesOrder',
        input,
        async ({ trx, principal, level }) => {
          priced = priceOrder(input.lines.map((line) => toLineInput(salesOrderLines, line)), 'input.lines')
          const job = await resolveReference(trx, principal, jobsResource, input.jobId, 'input.jobId', { level })
          return {
            job_id: job.id,
            client_id: input.clientId ? await resolveClient(trx, principal, input.clientId, 'input.clientId') : job.client_id,
            status: input.status ?? 'PENDING',
            ...(input.orderDate ? { order_date: input.orderDate } : {}),
            due_date: input.dueDate ?? null,
            currency: input.currency.toUpperCase(),
            ...priced.columns,
            number: await nextNumber(trx, principal.businessId, salesOrdersResource),
          }
        },
        ({ trx, principal }, id) => insertLines(trx, principal, salesOrderLines, id, priced.lines),
      )
    },
  }),
  updateSalesOrder: t.field({
    type: UpdateSalesOrderPayload,
    description:
      'Changes the fields given and replaces (`lines`) or patches (`addLines`, `updateLines`, `removeLines`) the lines; `expectedVersion` must match the stored version (else CONFLICT).',
    args: { input: t.arg({ type: UpdateSalesOrderInput, required: true }) },
    authScopes: { perm: ['SALES_ORDERS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, salesOrdersResource, input, async ({ trx, principal }, current) => {
        const columns: Record<string, unknown> = {}
        if (input.status != null) columns.status = input.status
        if (input.orderDate != null) columns.order_date = input.orderDate
        if (input.dueDate !== undefined) columns.due_date = input.dueDate
        if (input.currency != null) columns.currency = input.currency.toUpperCase()
        if (input.clientId !== undefined) {
          columns.client_id = input.clientId === null ? null : await resolveClient(trx, principal, input.clientId, 'input.clientId')
        }
        const lines = await applyLineChanges(trx, principal, salesOrderLines, String(current.id), input)
        return { columns: { ...columns, ...lines.columns }, alsoChanged: lines.alsoChanged }
      }),
  }),
  deleteSalesOrder: t.field({
    type: DeleteSalesOrderPayload,
    description: 'Deletes a sales order, leaving a tombstone (with its lines) that `deletedRecords` lists.',
    args: { input: t.arg({ type: DeleteSalesOrderInput, required: true }) },
    authScopes: { perm: ['SALES_ORDERS', 'DELETE'] },
    resolve: (_root, { input }, context) => deleteRecord(context, salesOrdersResource, input),
  }),
}))
