import type { ObjectRef } from '@pothos/core'
import type { Resource } from '../resource.js'
import { readRecord } from '../read/reads.js'
import { builder } from '../../graphql/builder.js'
import { encodeGlobalId } from '../../graphql/global-id.js'

/** What a create or update mutation hands its payload: the written record's id. */
export interface WrittenRecord {
  recordId: string
  /** A create answered from an earlier request with the same idempotency key. */
  replayed?: boolean
}

/**
 * `<Mutation>Payload { <record>, idempotentReplay }`: the record is read after the transaction
 * commits, through the read path, with whatever selection the client made on it.
 */
export function recordPayload<Shape>(name: string, field: string, nodeRef: ObjectRef<any, Shape>, resource: Resource) {
  return builder.objectRef<WrittenRecord>(name).implement({
    fields: (t) => ({
      [field]: t.field({
        type: nodeRef,
        nullable: true,
        description: 'The record as written.',
        authScopes: { perm: [resource.module, 'INQUIRE'] },
        resolve: (payload, _args, context, info) => readRecord(context, resource, payload.recordId, info) as never,
      }),
      idempotentReplay: t.boolean({
        description: 'True when this answer repeats an earlier request with the same idempotency key; nothing was written.',
        resolve: (payload) => payload.replayed ?? false,
      }),
    }),
  })
}

/** What a delete mutation answers: the tombstone. */
export interface DeletedRecordShape {
  typeName: string
  recordId: string
  deletedAt: Date
  version: number
}

/** `<Mutation>Payload { deletedId, deletedAt, version }`. */
export function deletePayload(name: string) {
  return builder.objectRef<DeletedRecordShape>(name).implement({
    fields: (t) => ({
      deletedId: t.id({ description: 'The global id of the deleted record.', resolve: (payload) => encodeGlobalId(payload.typeName, payload.recordId) }),
      deletedAt: t.field({ type: 'DateTime', resolve: (payload) => payload.deletedAt }),
      version: t.int({ description: 'The version the deletion gave the record.', resolve: (payload) => payload.version }),
    }),
  })
}
