import { type SchemaTypes, builder } from '../../graphql/builder.js'
import { conflict } from '../../graphql/errors.js'
import { deletePayload, recordPayload } from '../../records/fields/payloads.js'
import { idempotencyKeyField, ownerIdField, versionFields } from '../../records/write/inputs.js'
import { allowedOwner } from '../../records/write/guards.js'
import { createRecord, deleteRecord, updateRecord } from '../../records/write/mutations.js'
import { ContactRef, ContactType } from './contacts.graphql.js'
import { contactsResource } from './contacts.resource.js'

const LIMITS = { name: 100, company: 200, points: 20, addresses: 10, text: 200 }

const ContactPointInput = builder.inputType('ContactPointInput', {
  fields: (t) => ({
    label: t.string({ required: true, description: 'e.g. "work" (at most 50 characters).', validate: { maxLength: 50 } }),
    value: t.string({ required: true, description: 'At most 200 characters.', validate: { minLength: 1, maxLength: LIMITS.text } }),
  }),
})

const EmailInput = builder.inputType('EmailInput', {
  fields: (t) => ({
    label: t.string({ required: true, description: 'e.g. "work" (at most 50 characters).', validate: { maxLength: 50 } }),
    value: t.string({ required: true, description: 'An email address.', validate: { email: true, maxLength: LIMITS.text } }),
  }),
})

const PostalAddressInput = builder.inputType('PostalAddressInput', {
  fields: (t) => ({
    label: t.string({ required: true, validate: { maxLength: 50 } }),
    line1: t.string({ required: true, validate: { minLength: 1, maxLength: LIMITS.text } }),
    line2: t.string({ validate: { maxLength: LIMITS.text } }),
    city: t.string({ required: true, validate: { minLength: 1, maxLength: 100 } }),
    region: t.string({ validate: { maxLength: 100 } }),
    postalCode: t.string({ validate: { maxLength: 20 } }),
    country: t.string({ required: true, description: 'ISO 3166-1 alpha-2, e.g. "US".', validate: { regex: /^[A-Z]{2}$/ } }),
  }),
})

/** Contact fields shared by create and update; on update every one is optional. */
function contactFields<Required extends boolean>(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>, required: Required) {
  return {
    firstName: t.string({ required, description: `At most ${LIMITS.name} characters.`, validate: { maxLength: LIMITS.name } }),
    lastName: t.string({ required, description: `At most ${LIMITS.name} characters.`, validate: { maxLength: LIMITS.name } }),
    company: t.string({ description: `At most ${LIMITS.company} characters.`, validate: { maxLength: LIMITS.company } }),
    title: t.string({ description: `At most ${LIMITS.name} characters.`, validate: { maxLength: LIMITS.name } }),
    emails: t.field({ type: [EmailInput], description: `At most ${LIMITS.points}.`, validate: { maxLength: LIMITS.points } }),
    phones: t.field({ type: [ContactPointInput], description: `At most ${LIMITS.points}.`, validate: { maxLength: LIMITS.points } }),
    addresses: t.field({ type: [PostalAddressInput], description: `At most ${LIMITS.addresses}.`, validate: { maxLength: LIMITS.addresses } }),
    ownerId: ownerIdField(t),
  }
}

const CreateContactInput = builder.inputType('CreateContactInput', {
  fields: (t) => ({
    type: t.field({ type: ContactType, required: true }),
    ...contactFields(t, true),
    idempotencyKey: idempotencyKeyField(t),
  }),
})

const UpdateContactInput = builder.inputType('UpdateContactInput', {
  fields: (t) => ({ ...versionFields(t), ...contactFields(t, false) }),
})

const DeleteContactInput = builder.inputType('DeleteContactInput', { fields: (t) => versionFields(t) })
const ConvertProspectInput = builder.inputType('ConvertProspectInput', { fields: (t) => versionFields(t) })

type ContactInput = {
  firstName?: string | null
  lastName?: string | null
  company?: string | null
  title?: string | null
  emails?: unknown[] | null
  phones?: unknown[] | null
  addresses?: unknown[] | null
}

/** Input fields → contact columns; only the fields the client sent. */
function contactColumns(input: ContactInput): Record<string, unknown> {
  const columns: Record<string, unknown> = {}
  if (input.firstName != null) columns.first_name = input.firstName
  if (input.lastName != null) columns.last_name = input.lastName
  if (input.company !== undefined) columns.company = input.company
  if (input.title !== undefined) columns.title = input.title
  for (const list of ['emails', 'phones', 'addresses'] as const) {
    if (input[list] !== undefined) columns[list] = JSON.stringify(input[list] ?? [])
  }
  return columns
}

const CreateContactPayload = recordPayload('CreateContactPayload', 'contact', ContactRef, contactsResource)
const UpdateContactPayload = recordPayload('UpdateContactPayload', 'contact', ContactRef, contactsResource)
const ConvertProspectPayload = recordPayload('ConvertProspectPayload', 'contact', ContactRef, contactsResource)
const DeleteContactPayload = deletePayload('DeleteContactPayload')

builder.mutationFields((t) => ({
  createContact: t.field({
    type: CreateContactPayload,
    description: 'Creates a client or prospect. With an `idempotencyKey`, a retry returns the first result.',
    args: { input: t.arg({ type: CreateContactInput, required: true }) },
    authScopes: { perm: ['CONTACTS', 'ADD'] },
    resolve: (_root, { input }, context) =>
      createRecord(context, contactsResource, 'createContact', input, async ({ trx, principal, level, insert }) => insert({
        type: input.type,
        ...contactColumns(input),
        owner_id: await allowedOwner(trx, principal, level, input.ownerId, 'input.ownerId'),
      })),
  }),
  updateContact: t.field({
    type: UpdateContactPayload,
    description: 'Changes the fields given; `expectedVersion` must match the stored version (else CONFLICT).',
    args: { input: t.arg({ type: UpdateContactInput, required: true }) },
    authScopes: { perm: ['CONTACTS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, contactsResource, input, async ({ trx, principal, level }) => ({
        columns: {
          ...contactColumns(input),
          ...(input.ownerId != null ? { owner_id: await allowedOwner(trx, principal, level, input.ownerId, 'input.ownerId') } : {}),
        },
      })),
  }),
  convertProspectToClient: t.field({
    type: ConvertProspectPayload,
    description: 'Turns a prospect into a client (CONFLICT if it is a client already). Needs EDIT on CONTACTS.',
    args: { input: t.arg({ type: ConvertProspectInput, required: true }) },
    authScopes: { perm: ['CONTACTS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, contactsResource, input, async (_step, current) => {
        if (current.type !== 'PROSPECT') throw conflict('This contact is a client already.')
        return { columns: { type: 'CLIENT' } }
      }),
  }),
  deleteContact: t.field({
    type: DeleteContactPayload,
    description: 'Deletes a contact, leaving a tombstone that `deletedRecords` lists. CONFLICT while a live job or sales order names it as client.',
    args: { input: t.arg({ type: DeleteContactInput, required: true }) },
    authScopes: { perm: ['CONTACTS', 'DELETE'] },
    resolve: (_root, { input }, context) =>
      deleteRecord(context, contactsResource, input),
  }),
}))
