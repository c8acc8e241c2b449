import { builder } from '../graphql/builder.js'
import { conflict, notFound } from '../graphql/errors.js'
import { idOfType } from '../graphql/global-id.js'
import { requirePrincipal } from '../records/write/transaction.js'
import { planExport } from './export-query.js'
import { type ExportRow, cancelExport, findExport, insertExport } from './exports.repository.js'

/**
 * The GraphQL surface of bulk exports: start one (the query is checked now, run in the
 * background), follow it (`bulkExport(id)` or `node(id)`), cancel it, download it from `url`
 * with the same credential (src/exports/download.ts). docs/export.md tells the design.
 */

/** Where a finished export is downloaded (relative to the server's origin, like /graphql). */
export const EXPORT_PATH = '/exports/'
export const downloadPath = (row: Pick<ExportRow, 'file_token'>) => `${EXPORT_PATH}${row.file_token}.jsonl`

/** Whether the file of a finished export can still be downloaded. */
export const downloadable = (row: ExportRow, now = new Date()) =>
  row.status === 'COMPLETED' && row.file_removed_at === null && row.expires_at !== null && row.expires_at > now

const BulkExportStatus = builder.enumType('BulkExportStatus', {
  values: {
    CREATED: { description: 'Accepted; an instance takes it within moments.' },
    RUNNING: { description: 'Being written: `objectCount` and `bytes` grow batch by batch.' },
    COMPLETED: { description: 'Done: download it from `url` until `expiresAt`.' },
    FAILED: { description: 'Stopped: `errorCode` (a contract code) and `errorMessage` say why.' },
    CANCELED: { description: 'Canceled with cancelBulkExport.' },
  } as const,
})

export const BulkExportRef = builder.objectRef<ExportRow>('BulkExport')

builder.node(BulkExportRef, {
  description:
    'A bulk export: a read query run in the background as the principal that started it, written as JSONL (one object per ' +
    'line; nested connections flattened, each child naming its parent in `__parentId`).',
  id: { resolve: (row) => row.id },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'file_token' in value,
  fields: (t) => ({
    status: t.field({ type: BulkExportStatus, resolve: (row) => row.status }),
    query: t.exposeString('query', { description: 'The query as it was sent.' }),
    objectCount: t.field({ type: 'Int', description: 'Lines written so far.', resolve: (row) => Number(row.object_count) }),
    bytes: t.field({ type: 'Float', description: 'Bytes written so far (the JSONL, uncompressed); exact up to 2^53.', resolve: (row) => Number(row.bytes) }),
    errorCode: t.exposeString('error_code', { nullable: true, description: "Why it FAILED: one of the contract's error codes." }),
    errorMessage: t.exposeString('error_message', { nullable: true }),
    createdAt: t.field({ type: 'DateTime', resolve: (row) => row.created_at }),
    startedAt: t.field({ type: 'DateTime', nullable: true, resolve: (row) => row.started_at }),
    completedAt: t.field({ type: 'DateTime', nullable: true, description: 'When it completed, failed or was canceled.', resolve: (row) => row.completed_at }),
    expiresAt: t.field({ type: 'DateTime', nullable: true, description: 'Until when `url` serves the file; then it is removed.', resolve: (row) => row.expires_at }),
    url: t.string({
      nullable: true,
      description:
        'Path of the JSONL file on this server (GET, with the same credential that started the export; Range and gzip ' +
        'supported). Null until COMPLETED and after `expiresAt`.',
      resolve: (row) => (downloadable(row) ? downloadPath(row) : null),
    }),
  }),
})

const StartInput = builder.inputType('StartBulkExportInput', {
  fields: (t) => ({
    query: t.string({
      required: true,
      description: 'A read query of connections (`jobs`, `contacts`…), nested as deep as wanted, without paging arguments or variables.',
      validate: { maxLength: 20_000 },
    }),
  }),
})
const CancelInput = builder.inputType('CancelBulkExportInput', { fields: (t) => ({ id: t.id({ required: true }) }) })

const exportId = (globalId: string, field: string) => idOfType(globalId, 'BulkExport', field)

builder.queryFields((t) => ({
  bulkExport: t.field({
    type: BulkExportRef,
    nullable: true,
    description: 'One of your own bulk exports; anyone else\'s is NOT_FOUND.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { authenticated: true },
    resolve: async (_root, args, context) => {
      const row = await findExport(context.db, requirePrincipal(context), exportId(args.id, 'id'))
      if (!row) throw notFound('BulkExport', 'id')
      return row
    },
  }),
}))

builder.mutationFields((t) => ({
  startBulkExport: t.field({
    type: BulkExportRef,
    description:
      'Starts a bulk export of a read query, run as you (your role\'s row scope applies to every line). One at a time per ' +
      'principal (a second is CONFLICT). A mutation, an unknown field or paging argument is BAD_USER_INPUT, a module your ' +
      'role does not grant FORBIDDEN, all before anything runs.',
    args: { input: t.arg({ type: StartInput, required: true }) },
    authScopes: { authenticated: true },
    resolve: async (_root, { input }, context, info) => {
      const principal = requirePrincipal(context)
      planExport(info.schema, input.query, principal)
      const row = await insertExport(context.db, principal, input.query)
      context.services.exports?.wake()
      return row
    },
  }),
  cancelBulkExport: t.field({
    type: BulkExportRef,
    description: 'Cancels your export while it is CREATED or RUNNING (a finished one is CONFLICT); its partial file is removed.',
    args: { input: t.arg({ type: CancelInput, required: true }) },
    authScopes: { authenticated: true },
    resolve: async (_root, { input }, context) => {
      const principal = requirePrincipal(context)
      const id = exportId(input.id, 'input.id')
      const canceled = await cancelExport(context.db, principal, id)
      if (canceled) {
        context.services.webhooks?.wake()
        return canceled
      }
      const row = await findExport(context.db, principal, id)
      if (!row) throw notFound('BulkExport', 'input.id')
      throw conflict(`The export is already ${row.status}.`)
    },
  }),
}))
