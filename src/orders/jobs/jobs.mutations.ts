import { type SchemaTypes, builder } from '../../graphql/builder.js'
import { deletePayload, recordPayload } from '../../records/fields/payloads.js'
import { idempotencyKeyField, ownerIdField, versionFields } from '../../records/write/inputs.js'
import { allowedOwner } from '../../records/write/guards.js'
import { createRecord, deleteRecord, updateRecord } from '../../records/write/mutations.js'
import { nextNumber } from '../../records/write/numbers.js'
import { resolveClient } from '../references.js'
import { JobRef, JobStatus } from './jobs.graphql.js'
import { jobsResource } from './jobs.resource.js'

const NAME_MAX = 200

/** Job fields shared by create and update; on update every one is optional. */
function jobFields<Required extends boolean>(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>, required: Required) {
  return {
    name: t.string({ required, description: `1–${NAME_MAX} characters.`, validate: { minLength: 1, maxLength: NAME_MAX } }),
    clientId: t.id({
      description: `A Contact of type CLIENT that you can read (a prospect is BAD_USER_INPUT: convert it first).${required ? '' : ' null removes the client.'}`,
    }),
    inHandsDate: t.field({ type: 'LocalDate', description: `When the client needs the goods.${required ? '' : ' null removes it.'}` }),
    ownerId: ownerIdField(t),
  }
}

const CreateJobInput = builder.inputType('CreateJobInput', {
  fields: (t) => ({
    ...jobFields(t, true),
    // Nullable with a default, not non-null: graphql-jit drops the defaults of non-null input fields.
    status: t.field({ type: JobStatus, defaultValue: 'WIP', description: 'Default WIP.' }),
    idempotencyKey: idempotencyKeyField(t),
  }),
})

const UpdateJobInput = builder.inputType('UpdateJobInput', {
  fields: (t) => ({ ...versionFields(t), ...jobFields(t, false), status: t.field({ type: JobStatus }) }),
})

const DeleteJobInput = builder.inputType('DeleteJobInput', { fields: (t) => versionFields(t) })

const CreateJobPayload = recordPayload('CreateJobPayload', 'job', JobRef, jobsResource)
const UpdateJobPayload = recordPayload('UpdateJobPayload', 'job', JobRef, jobsResource)
const DeleteJobPayload = deletePayload('DeleteJobPayload')

builder.mutationFields((t) => ({
  createJob: t.field({
    type: CreateJobPayload,
    description: 'Creates a job with the next job number of the business. With an `idempotencyKey`, a retry returns the first result.',
    args: { input: t.arg({ type: CreateJobInput, required: true }) },
    authScopes: { perm: ['JOBS', 'ADD'] },
    resolve: (_root, { input }, context) =>
      createRecord(context, jobsResource, 'createJob', input, async ({ trx, principal, level, insert }) => insert({
        name: input.name,
        status: input.status ?? 'WIP',
        client_id: input.clientId != null ? await resolveClient(trx, principal, input.clientId, 'input.clientId') : null,
        in_hands_date: input.inHandsDate ?? null,
        owner_id: await allowedOwner(trx, principal, level, input.ownerId, 'input.ownerId'),
        // Last, so a refused reference or owner never even takes the counter's lock.
        number: await nextNumber(trx, principal.businessId, jobsResource),
      })),
  }),
  updateJob: t.field({
    type: UpdateJobPayload,
    description:
      'Changes the fields given; `expectedVersion` must match the stored version (else CONFLICT). A new owner must be within your EDIT level; the job’s orders follow it.',
    args: { input: t.arg({ type: UpdateJobInput, required: true }) },
    authScopes: { perm: ['JOBS', 'EDIT'] },
    resolve: (_root, { input }, context) =>
      updateRecord(context, jobsResource, input, async ({ trx, principal, level }) => {
        const columns: Record<string, unknown> = {}
        if (input.name != null) columns.name = input.name
        if (input.status != null) columns.status = input.status
        if (input.inHandsDate !== undefined) columns.in_hands_date = input.inHandsDate
        if (input.clientId !== undefined) {
          columns.client_id = input.clientId === null ? null : await resolveClient(trx, principal, input.clientId, 'input.clientId')
        }
        if (input.ownerId != null) columns.owner_id = await allowedOwner(trx, principal, level, input.ownerId, 'input.ownerId')
        return { columns }
      }),
  }),
  deleteJob: t.field({
    type: DeleteJobPayload,
    description:
      'Deletes a job, leaving a tombstone that `deletedRecords` lists. CONFLICT while a live sales or purchase order belongs to it.',
    args: { input: t.arg({ type: DeleteJobInput, required: true }) },
    authScopes: { perm: ['JOBS', 'DELETE'] },
    resolve: (_root, { input }, context) =>
      deleteRecord(context, jobsResource, input),
  }),
}))
