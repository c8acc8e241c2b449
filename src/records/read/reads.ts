import type { GraphQLResolveInfo } from 'graphql'
import { can } from '../../access/permissions.js'
import { type ResolveTree, parseResolveInfo } from 'graphql-parse-resolve-info'
import type { Context } from '../../context.js'
import { forbidden, notFound, unauthenticated } from '../../graphql/errors.js'
import { decodeGlobalId, idOfType } from '../../graphql/global-id.js'
import { readByIds, readPage } from './compile.js'
import { fieldsOf } from './selection.js'
import type { ListFilter, ReadScope } from './statement.js'
import type { ConnectionArgs } from './pagination.js'
import { type ConnectionValue, toConnection } from './relations.js'
import type { NodeSource } from '../module.js'
import type { Resource } from '../resource.js'

/** Entry points of the read path for root fields: lists, lookups, node and nodes. */

export function readScope(context: Context): ReadScope {
  if (!context.principal) throw unauthenticated()
  return { db: context.db, principal: context.principal }
}

function resolveTree(info: GraphQLResolveInfo): ResolveTree {
  return parseResolveInfo(info) as ResolveTree
}

/** A root list (`jobs`, `contacts`…): one page with everything nested, in one statement. */
export async function readList(
  context: Context,
  resource: Resource,
  args: ConnectionArgs & { filter?: ListFilter | null },
  info: GraphQLResolveInfo,
): Promise<ConnectionValue> {
  return toConnection(await readPage(readScope(context), resource, args, resolveTree(info)))
}

/** A lookup by global id (`job(id)`): a record outside the caller's scope or business is NOT_FOUND. */
export async function readOne(
  context: Context,
  resource: Resource,
  globalId: string,
  info: GraphQLResolveInfo,
): Promise<Record<string, unknown>> {
  const id = idOfType(globalId, resource.typeName, 'id')
  const rows = await readByIds(readScope(context), resource, [id], fieldsOf(resolveTree(info), resource.typeName))
  const row = rows.get(id)
  if (!row) throw notFound(resource.typeName, 'id')
  return row
}

/** A record type as a source of `node` / `nodes`: read through the compiler, under the module's INQUIRE. */
export function resourceNodeSource(resource: Resource): NodeSource {
  return {
    typeName: resource.typeName,
    readable: (principal) => can(principal.permissions, resource.module, 'INQUIRE'),
    load: (scope, ids, tree) => readByIds(scope, resource, ids, fieldsOf(tree, resource.typeName)),
  }
}

/**
 * `node(id)` / `nodes(ids)`: one statement per type named in the list; a missing or foreign id is
 * an error at its own index (graphql-js reports a returned Error at that path), the others still
 * answer. `field` is the argument a NOT_FOUND names.
 */
export async function readNodes(
  context: Context,
  sources: ReadonlyMap<string, NodeSource>,
  globalIds: readonly string[],
  info: GraphQLResolveInfo,
  field: 'id' | 'ids',
): Promise<Array<Record<string, unknown> | Error>> {
  const scope = readScope(context)
  const tree = resolveTree(info)
  const decoded = globalIds.map((globalId) => decodeGlobalId(globalId))
  const readable = (typename: string) => sources.get(typename)?.readable(scope.principal) === true
  const byType = new Map<string, Set<string>>()
  for (const { typename, id } of decoded) {
    if (!readable(typename)) continue
    const ids = byType.get(typename) ?? new Set<string>()
    ids.add(id)
    byType.set(typename, ids)
  }
  const found = new Map<string, ReadonlyMap<string, object>>()
  await Promise.all(
    [...byType].map(async ([typename, ids]) => {
      found.set(typename, await sources.get(typename)!.load(scope, [...ids], tree))
    }),
  )
  return decoded.map(({ typename, id }) => {
    if (sources.has(typename) && !readable(typename)) return forbidden()
    const row = found.get(typename)?.get(id)
    return row ? { ...row, __typename: typename } : notFound('node', field)
  })
}

/** A record by database id (a mutation's result), read with the selection of the field asking. */
export async function readRecord(
  context: Context,
  resource: Resource,
  id: string,
  info: GraphQLResolveInfo,
): Promise<Record<string, unknown>> {
  const rows = await readByIds(readScope(context), resource, [id], fieldsOf(resolveTree(info), resource.typeName))
  const row = rows.get(id)
  if (!row) throw notFound(resource.typeName)
  return row
}
