import type { EnumRef, ObjectRef } from '@pothos/core'
import type { Module } from '../access/permissions.js'
import { builder } from '../graphql/builder.js'
import { deletePayload, recordPayload } from '../records/fields/payloads.js'
import type { Resource } from '../records/resource.js'
import { resolveReference } from '../records/write/guards.js'
import { type InputFields, idempotencyKeyField, versionFields } from '../records/write/inputs.js'
import { type CreateStep, type WriteStep, createRecord, deleteRecord, updateRecord } from '../records/write/mutations.js'
import { nextNumber } from '../records/write/numbers.js'
import { jobsResource } from './jobs/jobs.resource.js'
import { MAX_LINES, type PriceField, lineChangeFields, lineInputTypes, linesReplaceOrPatch } from './order-line-inputs.js'
import { type ClientLine, type LineChanges, type LineStore, applyLineChanges, insertLines, priceOrder, toLineInput } from './order-lines.js'

type Row = Record<string, unknown>

/** What every order create takes, whatever the kind. */
interface CreateOrderInput {
  jobId: string
  status?: string | null
  orderDate?: string | null
  currency: string
  lines: ClientLine[]
  idempotencyKey?: string | null
}

/** What every order update takes, whatever the kind. */
interface UpdateOrderInput extends LineChanges {
  id: string
  expectedVersion: number
  status?: string | null
  orderDate?: string | null
  currency?: string | null
}

/**
 * One kind of order (sales, purchase): the same shape of create, update and delete — a job it
 * belongs to and takes its owner from, priced lines, a number, a currency — with what differs
 * between the kinds said here: names, the counterparty (a client, a supplier) and its date field.
 */
export interface OrderKind {
  /** GraphQL type name, e.g. `SalesOrder`; inputs and payloads are named after it. */
  typeName: 'SalesOrder' | 'PurchaseOrder'
  /** The payload's field and the mutations' stem, e.g. `salesOrder` (createSalesOrder). */
  field: string
  /** In prose, e.g. `sales order`. */
  noun: string
  module: Module
  resource: Resource
  ref: ObjectRef<any, any>
  status: EnumRef<any, any>
  defaultStatus: string
  lines: LineStore
  price: PriceField
  createDescription: string
  /** The kind's own create fields (the counterparty, its date). */
  createFields(t: InputFields): Record<string, any>
  /** The kind's own update fields. */
  updateFields(t: InputFields): Record<string, any>
  /** The kind's own columns on create, once the job is known (its client may default from it). */
  createColumns(step: WriteStep, input: any, job: Row): Promise<Row>
  /** The kind's own columns on update: only what the input names. */
  updateColumns(step: WriteStep, input: any): Promise<Row>
}

// The Currency scalar matches codes in any case; they are stored (and answered) in capitals.
const CURRENCY_DESCRIPTION = 'An ISO 4217 code, e.g. "USD" (any case; stored in capitals). Anything else is BAD_USER_INPUT naming this field.'

/** Declares the inputs, payloads and create / update / delete mutations of one kind of order. */
export function defineOrderMutations(kind: OrderKind): void {
  const { typeName, resource } = kind
  const lineTypes = lineInputTypes(typeName, kind.price)

  const CreateInput = builder.inputType(`Create${typeName}Input`, {
    fields: (t) => ({
      jobId: t.id({
        required: true,
        description: `The job the order belongs to; the order takes its owner, so it must be a job your ${kind.module} ADD level covers (MINE: your own jobs, MY: your team’s).`,
      }),
      ...kind.createFields(t),
      // Nullable with a default, not non-null: graphql-jit drops the defaults of non-null input fields.
      status: t.field({ type: kind.status, defaultValue: kind.defaultStatus, description: `Default ${kind.defaultStatus}.` }),
      orderDate: t.field({ type: 'LocalDate', description: 'Defaults to today.' }),
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

  const UpdateInput = builder.inputType(`Update${typeName}Input`, {
    description: 'Fields left out stay as they are. Line changes recompute the totals and make a new version.',
    validate: [linesReplaceOrPatch],
    fields: (t) => ({
      ...versionFields(t),
      status: t.field({ type: kind.status }),
      ...kind.updateFields(t),
      orderDate: t.field({ type: 'LocalDate' }),
      currency: t.field({ type: 'Currency', description: CURRENCY_DESCRIPTION }),
      ...lineChangeFields(t, lineTypes),
    }),
  })

  const DeleteInput = builder.inputType(`Delete${typeName}Input`, { fields: (t) => versionFields(t) })
  const CreatePayload = recordPayload(`Create${typeName}Payload`, kind.field, kind.ref, resource)
  const UpdatePayload = recordPayload(`Update${typeName}Payload`, kind.field, kind.ref, resource)
  const DeletePayload = deletePayload(`Delete${typeName}Payload`)

  /** A create, top-down: price, check the job, insert the order with its number, insert its lines. */
  const create = async (step: CreateStep, input: CreateOrderInput) => {
    const { trx, principal, level } = step
    const priced = priceOrder(input.lines.map((line) => toLineInput(kind.lines, line)), 'input.lines')
    const job = await resolveReference(trx, principal, jobsResource, input.jobId, 'input.jobId', { level })
    const id = await step.insert({
      job_id: job.id,
      ...(await kind.createColumns(step, input, job)),
      status: input.status ?? kind.defaultStatus,
      ...(input.orderDate ? { order_date: input.orderDate } : {}),
      currency: input.currency.toUpperCase(),
      ...priced.columns,
      // Last, so a refused reference never even takes the counter's lock.
      number: await nextNumber(trx, principal.businessId, resource),
    })
    await insertLines(trx, principal, kind.lines, id, priced.lines)
    return id
  }

  /** An update: the fields named, then the line changes, which recompute the totals. */
  const update = async (step: WriteStep, input: UpdateOrderInput, current: Row) => {
    const columns: Row = await kind.updateColumns(step, input)
    if (input.status != null) columns.status = input.status
    if (input.orderDate != null) columns.order_date = input.orderDate
    if (input.currency != null) columns.currency = input.currency.toUpperCase()
    const lines = await applyLineChanges(step.trx, step.principal, kind.lines, String(current.id), input)
    return { columns: { ...columns, ...lines.columns }, alsoChanged: lines.alsoChanged }
  }

  const stem = typeName
  builder.mutationFields((t) => ({
    [`create${stem}`]: t.field({
      type: CreatePayload,
      description: kind.createDescription,
      args: { input: t.arg({ type: CreateInput, required: true }) },
      authScopes: { perm: [kind.module, 'ADD'] },
      resolve: (_root, { input }, context) =>
        createRecord(context, resource, `create${stem}`, input, (step) => create(step, input as unknown as CreateOrderInput)),
    }),
    [`update${stem}`]: t.field({
      type: UpdatePayload,
      description:
        'Changes the fields given and replaces (`lines`) or patches (`addLines`, `updateLines`, `removeLines`) the lines; `expectedVersion` must match the stored version (else CONFLICT).',
      args: { input: t.arg({ type: UpdateInput, required: true }) },
      authScopes: { perm: [kind.module, 'EDIT'] },
      resolve: (_root, { input }, context) =>
        updateRecord(context, resource, input, (step, current) => update(step, input as unknown as UpdateOrderInput, current)),
    }),
    [`delete${stem}`]: t.field({
      type: DeletePayload,
      description: `Deletes a ${kind.noun}, leaving a tombstone (with its lines) that \`deletedRecords\` lists.`,
      args: { input: t.arg({ type: DeleteInput, required: true }) },
      authScopes: { perm: [kind.module, 'DELETE'] },
      resolve: (_root, { input }, context) => deleteRecord(context, resource, input),
    }),
  }))
}
