import type { InputObjectRef, ObjectRef } from '@pothos/core'
import type { ListFilter } from '../read/statement.js'
import type { Resource } from '../resource.js'
import { readList, readOne } from '../read/reads.js'
import { registerRootRead } from '../read/passthrough.js'
import { ANY_OF_MAX, SEARCH_MAX } from './filters.js'
import { builder } from '../../graphql/builder.js'
import { pageArgs } from './connections.js'

/**
 * The two root fields every readable type has — a list (`jobs`) and a lookup by id (`job`) — with
 * the module's INQUIRE scope on both. `columnFilters` maps filter fields to the columns they
 * match (a list of values, or one).
 */
export function defineRootFields(options: {
  resource: Resource
  list: string
  lookup: string
  nodeRef: ObjectRef<any, any>
  connection: ObjectRef<any, any>
  filter: InputObjectRef<any, any>
  columnFilters?: Record<string, string>
  description: string
}): void {
  const { resource, columnFilters = {} } = options
  const toListFilter = (filter: Record<string, unknown> | null | undefined): ListFilter | null => {
    if (!filter) return null
    const columns: Record<string, string[] | null> = {}
    for (const [field, column] of Object.entries(columnFilters)) {
      const value = filter[field]
      columns[column] = value == null ? null : Array.isArray(value) ? (value as string[]) : [String(value)]
    }
    return { updatedSince: filter.updatedSince as Date | null, search: filter.search as string | null, columns }
  }
  // The same reads for the pass-through path (read/passthrough.ts), with the filter limits its validation enforces.
  registerRootRead(options.list, {
    kind: 'list',
    resource,
    filter: (raw) => {
      const tooLong = (value: unknown) => (typeof value === 'string' ? value.length > SEARCH_MAX : Array.isArray(value) && value.length > ANY_OF_MAX)
      return raw && Object.values(raw).some(tooLong) ? 'refused' : toListFilter(raw)
    },
  })
  registerRootRead(options.lookup, { kind: 'lookup', resource })
  builder.queryFields((t) => ({
    [options.list]: t.field({
      type: options.connection,
      // Nullable so that a list the role does not grant is null with FORBIDDEN at its own path,
      // and the rest of the answer stands.
      nullable: true,
      description: `${options.description} Ordered by creation; with \`filter.updatedSince\`, by (updatedAt, id) for incremental sync.`,
      args: { ...pageArgs(t), filter: t.arg({ type: options.filter }) },
      authScopes: { perm: [resource.module, 'INQUIRE'] },
      resolve: (_root, args, context, info) =>
        readList(context, resource, { ...args, filter: toListFilter(args.filter as Record<string, unknown>) }, info) as never,
    }),
    [options.lookup]: t.field({
      type: options.nodeRef,
      nullable: true,
      description: `One ${resource.typeName} by id; one the caller may not see, or of another business, is NOT_FOUND.`,
      args: { id: t.arg.id({ required: true }) },
      authScopes: { perm: [resource.module, 'INQUIRE'] },
      resolve: (_root, args, context, info) => readOne(context, resource, args.id, info) as never,
    }),
  }))
}
