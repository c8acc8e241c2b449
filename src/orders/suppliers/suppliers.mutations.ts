import { type SchemaTypes, builder } from '../../graphql/builder.js'
import { deletePayload, recordPayload } from '../../records/fields/payloads.js'
import { idempotencyKeyField, versionFields } from '../../records/write/inputs.js'
import { createRecord, deleteRecord, updateRecord } from '../../records/write/mutations.js'
import { SupplierRef } from './suppliers.graphql.js'
import { suppliersResource } from './suppliers.resource.js'

/**
 * Supplier mutations (module PURCHASE_ORDERS). Suppliers have no owner: they are the business's
 * shared reference data, and a MINE reader already sees them all (it must see the supplier of its
 * own purchase orders). Writes mirror that: ADD, EDIT and DELETE at any level but NONE apply to
 * every supplier of the business. Narrowing MY/MINE to "suppliers I created" would need an owner
 * column the reads do not have, so a writer could change rows its reads disagree about.
 * lockForWrite gets this from row-scope.ts (ownership 'none'), so no code here says it twice.
 */

const LIMITS = { name: 200, email: 200, phone: 50 }

/** Supplier fields shared by create and update; on update every one is optional. */
function supplierFields<Required extends boolean>(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>, required: Required) {
  return {
    name: t.string({ required, description: `1–${LIMITS.name} characters.`, validate: { minLength: 1, maxLength: LIMITS.name } }),
    email: t.string({
      description: `An email address, at most ${LIMITS.email} characters.${required ? '' : ' null removes it.'}`,
      validate: { email: true, maxLength: LIMITS.email },
    }),
    phone: t.string({
      description: `At most ${LIMITS.phone} characters.${required ? '' : ' null removes it.'}`,
      validate: { maxLength: LIMITS.phone },
    }),
  }
}

const CreateSupplierInput = builder.inputType('CreateSupplierInput', {
  fields: (t) => ({ ...supplierFields(t, true), idempotencyKey: idempotencyKeyField(t) }),
})
const UpdateSupplierInput = builder.inputType('UpdateSupplierInput', {
  fields: (t) => ({ ...versionFields(t), ...supplierFields(t, false) }),
})
const DeleteSupplierInput = builder.inputType('DeleteSupplierInput', { fields: (t) => versionFields(t) })

const CreateSupplierPayload = recordPayload('CreateSupplierPayload', 'supplier', SupplierRef, suppliersResource)
const UpdateSupplierPayload = recordPayload('UpdateSupplierPayload', 'supplier', SupplierRef, suppliersResource)
const DeleteSupplierPayload = deletePayload('DeleteSupplierPayload')

/** Input fields → supplier columns; only the fields the client sent. */
function supplierColumns(input: { name?: string | null; email?: string | null; phone?: string | null }): Record<string, unknown> {
  const columns: Record<string, unknown> = {}
  if (input.name != null) columns.name = input.name
  if (input.email !== undefined) columns.email = input.email
  if (input.phone !== undefined) columns.phone = input.phone
  return columns
}

builder.mutationFields((t) => ({
  createSupplier: t.field({
    type: CreateSupplierPayload,
    description: 'Creates a supplier (needs ADD on PURCHASE_ORDERS). With an `idempotencyKey`, a retry returns the first result.',
    args: { input: t.arg({ type: CreateSupplierInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'ADD'] },
    resolve: (_root, { input }, context) =>
      createRecord(context, suppliersResource, 'createSupplier', input, ({ insert }) => insert(supplierColumns(input))),
  }),
  updateSupplier: t.field({
    type: UpdateSupplierPayload,
    description: 'Changes the fields given (needs EDIT on PURCHASE_ORDERS); `expectedVersion` must match the stored version (else CONFLICT).',
    args: { input: t.arg({ type: UpdateSupplierInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, suppliersResource, input, async () => ({ columns: supplierColumns(input) })),
  }),
  deleteSupplier: t.field({
    type: DeleteSupplierPayload,
    description:
      'Deletes a supplier (needs DELETE on PURCHASE_ORDERS), leaving a tombstone that `deletedRecords` lists. CONFLICT while a live purchase order names it.',
    args: { input: t.arg({ type: DeleteSupplierInput, required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'DELETE'] },
    resolve: (_root, { input }, context) =>
      deleteRecord(context, suppliersResource, input),
  }),
}))
