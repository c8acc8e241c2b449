import { builder } from '../../graphql/builder.js'
import { deletePayload, recordPayload } from '../../records/fields/payloads.js'
import { idempotencyKeyField, versionFields } from '../../records/write/inputs.js'
import { resolveReference } from '../../records/write/guards.js'
import { createRecord, deleteRecord, updateRecord } from '../../records/write/mutations.js'
import { nextNumber } from '../../records/write/numbers.js'
import { jobsResource } from '../jobs/jobs.resource.js'
import { MAX_LINES, lineChangeFields, lineInputTypes, linesReplaceOrPatch } from '../order-line-inputs.js'
import { type PricedOrder, applyLineChanges, insertLines, priceOrder, purchaseOrderLines, toLineInput } from '../order-lines.js'
import { suppliersResource } from '../suppliers/suppliers.resource.js'
import { PurchaseOrderRef, PurchaseOrderStatus } from './purchase-orders.graphql.js'
import { purchaseOrdersResource } from './purchase-orders.resource.js'

const lineTypes = lineInputTypes('PurchaseOrder', 'unitCost')

const SUPPLIER_DESCRIPTION = 'A supplier of your business (another one, or a deleted one, is NOT_FOUND naming this field).'
// The Currency scalar matches codes in any case; they are stored (and answered) in capitals.
const CURRENCY_DESCRIPTION = 'An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field.'

const CreatePurchaseOrderInput = builder.inputType('CreatePurchaseOrderInput', {
  fields: (t) => ({
    jobId: t.id({
      required: true,
      description: 'The job the order belongs to; the order takes its owner, so it must be a job your PURCHASE_ORDERS ADD level covers (MINE: your own jobs, MY: your team’s).',
    }),
    supplierId: t.id({ required: true, description: SUPPLIER_DESCRIPTION }),
    // Nullable with a default, not non-null: graphql-jit drops the defaults of non-null input fields.
    status: t.field({ type: PurchaseOrderStatus, defaultValue: 'DRAFT', description: 'Default DRAFT.' }),
    orderDate: t.field({ type: 'LocalDate', description: 'Defaults to today.' }),
    expectedDate: t.field({ type: 'LocalDate', description: 'When the goods are expected.' }),
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

const UpdatePurchaseOrderInput = builder.inputType('UpdatePurchaseOrderInput', {
  description: 'Fields left out stay as they are. Line changes recompute the totals and make a new version.',
  validate: [linesReplaceOrPatch],
  fields: (t) => ({
    ...versionFields(t),
    status: t.field({ type: PurchaseOrderStatus }),
    supplierId: t.id({ description: SUPPLIER_DESCRIPTION }),
    orderDate: t.field({ type: 'LocalDate' }),
    expectedDate: t.field({ type: 'LocalDate', description: 'null removes it.' }),
    currency: t.field({ type: 'Currency', description: CURRENCY_DESCRIPTION }),
    ...lineChangeFields(t, lineTypes),
  }),
})

const DeletePurchaseOrderInput = builder.inputType('DeletePurchaseOrderInput', { fields: (t) => versionFields(t) })

const CreatePurchaseOrderPayload = recordPayload('CreatePurchaseOrderPayload', 'purchaseOrder', PurchaseOrderRef, purchaseOrdersResource)
const UpdatePurchaseOrderPayload = recordPayload('UpdatePurchaseOrderPayload', 'purchaseOrder', PurchaseOrderRef, purchaseOrdersResource)
const DeletePurchaseOrderPayload = deletePayload('DeletePurchaseOrderPayload')

builder.mutationFields((t) => ({
  createPurchaseOrder: t.field({
    type: CreatePurchaseOrderPayload,
    description:
      'Creates a purchase order with its lines and the next purchase order number, in one transaction. Totals are computed by the server. With an `idempotencyKey`, a retry returns the first result.',
    args: { input: t.arg({ type: CreatePurchaseOrderInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'ADD'] },
    resolve: (_root, { input }, context) => {
      let priced: PricedOrder
      return createRecord(
        context,
        purchaseOrdersResource,
        'createPurchaseOrder',
        input,
        async ({ trx, principal, level }) => {
          priced = priceOrder(input.lines.map((line) => toLineInput(purchaseOrderLines, line)), 'input.lines')
          const job = await resolveReference(trx, principal, jobsResource, input.jobId, 'input.jobId', { level })
          const supplier = await resolveReference(trx, principal, suppliersResource, input.supplierId, 'input.supplierId')
          return {
            job_id: job.id,
            supplier_id: supplier.id,
            status: input.status ?? 'DRAFT',
            ...(input.orderDate ? { order_date: input.orderDate } : {}),
            expected_date: input.expectedDate ?? null,
            currency: input.currency.toUpperCase(),
            ...priced.columns,
            number: await nextNumber(trx, principal.businessId, purchaseOrdersResource),
          }
        },
        ({ trx, principal }, id) => insertLines(trx, principal, purchaseOrderLines, id, priced.lines),
      )
    },
  }),
  updatePurchaseOrder: t.field({
    type: UpdatePurchaseOrderPayload,
    description:
      'Changes the fields given and replaces (`lines`) or patches (`addLines`, `updateLines`, `removeLines`) the lines; `expectedVersion` must match the stored version (else CONFLICT).',
    args: { input: t.arg({ type: UpdatePurchaseOrderInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, purchaseOrdersResource, input, async ({ trx, principal }, current) => {
        const columns: Record<string, unknown> = {}
        if (input.status != null) columns.status = input.status
        if (input.orderDate != null) columns.order_date = input.orderDate
        if (input.expectedDate !== undefined) columns.expected_date = input.expectedDate
        if (input.currency != null) columns.currency = input.currency.toUpperCase()
        if (input.supplierId != null) {
          columns.supplier_id = (await resolveReference(trx, principal, suppliersResource, input.supplierId, 'input.supplierId')).id
        }
        const lines = await applyLineChanges(trx, principal, purchaseOrderLines, String(current.id), input)
        return { columns: { ...columns, ...lines.columns }, alsoChanged: lines.alsoChanged }
      }),
  }),
  deletePurchaseOrder: t.field({
    type: DeletePurchaseOrderPayload,
    description: 'Deletes a purchase order, leaving a tombstone (with its lines) that `deletedRecords` lists.',
    args: { input: t.arg({ type: DeletePurchaseOrderInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'DELETE'] },
    resolve: (_root, { input }, context) => deleteRecord(context, purchaseOrdersResource, input),
  }),
}))
