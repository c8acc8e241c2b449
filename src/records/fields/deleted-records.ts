import { type Kysely, type SqlBool, sql } from 'kysely'
import { can, levelOf } from '../../access/permissions.js'
import { ownerCondition } from '../row-scope.js'
import { builder } from '../../graphql/builder.js'
import { pageArgs } from './connections.js'
import { badInput } from '../../graphql/errors.js'
import { encodeGlobalId } from '../../graphql/global-id.js'
import { SYNC_HORIZON } from '../read/statement.js'
import type { Resource } from '../resource.js'
import { isCursorId, isCursorTime, packCursor, pageRequest, unpackCursor } from '../read/pagination.js'
import { readScope } from '../read/reads.js'

/**
 * Tombstones for sync: which records were deleted since a time, so a partner's mirror can delete
 * them too. The same owner rules as reads apply (a MINE reader learns of its own deletions only),
 * and, like updatedSince, a page never passes the start of a transaction still open.
 */

interface Tombstone {
  type: string
  id: string
  deleted_at: Date
  deleted_at_text: string
  version: number
}

/** A tombstone's position in (deletedAt, type, id) order, as a cursor. */
const encode = (row: Tombstone) => packCursor([row.deleted_at_text, row.type, row.id])

function decode(cursor: string): [string, string, string] {
  const parts = unpackCursor(cursor, 'after')
  if (parts.length === 3 && isCursorTime(parts[0]) && /^[A-Za-z]{1,64}$/.test(String(parts[1])) && isCursorId(parts[2])) {
    return parts as [string, string, string]
  }
  throw badInput('Invalid cursor.', 'after')
}

/**
 * `deletedRecords`, over the record types the composition root hands in (src/modules.ts): the
 * engine names no domain of its own.
 */
export function defineDeletedRecords(resources: ReadonlyMap<string, Resource>): void {
  const DeletedRecordType = builder.enumType('DeletedRecordType', {
    values: [...resources.keys()] as [string, ...string[]],
  })

  const DeletedRecordRef = builder.objectRef<Tombstone>('DeletedRecord').implement({
    description: 'A record deleted from the business: delete it from your mirror too.',
    fields: (t) => ({
      id: t.id({ description: 'The global id the record had.', resolve: (row) => encodeGlobalId(row.type, row.id) }),
      type: t.field({ type: DeletedRecordType, resolve: (row) => row.type }),
      deletedAt: t.field({ type: 'DateTime', resolve: (row) => row.deleted_at }),
      version: t.exposeInt('version', { description: 'The version the deletion gave it.' }),
    }),
  })

  const DeletedRecordConnection = builder.connectionObject({ type: DeletedRecordRef, name: 'DeletedRecordConnection' }, { name: 'DeletedRecordEdge' })

  const DeletedRecordFilter = builder.inputType('DeletedRecordFilter', {
    fields: (t) => ({
      deletedSince: t.field({ type: 'DateTime', required: true, description: 'Deletions at or after this time.' }),
      types: t.field({ type: [DeletedRecordType], description: 'Only these record types (default: every type your role may read; at most 20).', validate: { maxLength: 20 } }),
    }),
  })

  builder.queryField('deletedRecords', (t) =>
    t.field({
      type: DeletedRecordConnection,
      // Nullable like every root list: a bad cursor nulls this field, not the whole answer.
      nullable: true,
      description: 'Records deleted since a time, oldest first, by (deletedAt, type, id): the deletions half of an incremental sync.',
      args: { first: pageArgs(t).first, after: pageArgs(t).after, filter: t.arg({ type: DeletedRecordFilter, required: true }) },
      authScopes: { authenticated: true },
      resolve: async (_root, args, context) => {
        const scope = readScope(context)
        const page = pageRequest({ first: args.first, after: null }, 'id')
        const wanted = new Set(args.filter.types ?? resources.keys())
        const readable = [...resources.values()].filter(
          (resource) => wanted.has(resource.typeName) && can(scope.principal.permissions, resource.module, 'INQUIRE'),
        )
        if (readable.length === 0) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } }
        const after = args.after != null ? decode(args.after) : null
        const db = scope.db as Kysely<any>
        const parts = readable.map((resource) =>
          db
            .selectFrom(`${resource.table} as t`)
            .select([
              sql<string>`${resource.typeName}`.as('type'), sql<string>`t.id::text`.as('id'), 't.deleted_at',
              sql<string>`t.deleted_at::text`.as('deleted_at_text'), 't.version',
            ])
            .where('t.business_id', '=', scope.principal.businessId)
            .where('t.deleted_at', '>=', args.filter.deletedSince)
            .where(sql<SqlBool>`t.deleted_at < ${SYNC_HORIZON}`)
            .where((eb) => ownerCondition(eb, resource, scope.principal, levelOf(scope.principal.permissions, resource.module, 'INQUIRE'), 't')),
        )
        let union = parts[0]!
        for (const part of parts.slice(1)) union = union.unionAll(part)
        let query = db.selectFrom(union.as('tombstones')).selectAll()
        if (after) {
          query = query.where(sql<SqlBool>`(deleted_at, type, id::bigint) > (${after[0]}::timestamptz, ${after[1]}, ${after[2]}::bigint)`)
        }
        const rows = (await query.orderBy('deleted_at').orderBy('type').orderBy(sql`id::bigint`).limit(page.size + 1).execute()) as Tombstone[]
        const more = rows.length > page.size
        const kept = rows.slice(0, page.size)
        return {
          edges: kept.map((row) => ({ cursor: encode(row), node: row })),
          pageInfo: {
            hasNextPage: more,
            hasPreviousPage: after !== null,
            startCursor: kept[0] ? encode(kept[0]) : null,
            endCursor: kept.length ? encode(kept[kept.length - 1]!) : null,
          },
        }
      },
    }),
  )
}
