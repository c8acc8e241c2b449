/** Input fields every record mutation shares, with their limits stated in the schema. */

import type { SchemaTypes } from '../../graphql/builder.js'

export type InputFields = PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>

/** `idempotencyKey`: a create retried with the same key by the same principal returns the first result. */
export const idempotencyKeyField = (t: InputFields) =>
  t.string({
    description:
      'Makes a retried create safe: the same key from the same member or user (either of its API keys) within 24 hours returns the first result and writes nothing. 1–100 characters of A–Z, a–z, 0–9, "-", "_", ":", ".".',
    validate: { regex: /^[A-Za-z0-9_:.-]{1,100}$/ },
  })

/** `id` + `expectedVersion` of the record an update or delete targets. */
export const versionFields = (t: InputFields) => ({
  id: t.id({ required: true }),
  expectedVersion: t.int({
    required: true,
    description: 'The `version` you last read; a stale one is CONFLICT and changes nothing.',
    validate: { min: 1 },
  }),
})

/** `ownerId`: a User or ApiMember id; MINE allows only yourself, MY your team, ALL anyone. Defaults to you. */
export const ownerIdField = (t: InputFields) =>
  t.id({
    description:
      'The owner (sales rep): a User or ApiMember id. With MINE rights only yourself, with MY anyone in your team, with ALL anyone in the business. Defaults to you on create.',
  })
