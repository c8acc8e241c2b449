import DataLoader from 'dataloader'
import type { GraphQLResolveInfo } from 'graphql'
import { type ResolveTree, parseResolveInfo } from 'graphql-parse-resolve-info'
import type { Context } from '../../context.js'
import { forbidden } from '../../graphql/errors.js'
import { type PageResult, pageOf, readRelationFor } from './compile.js'
import { SYNC_KEY, countKey, relationKey } from './statement.js'
import { type ConnectionArgs, encodeCursor, pageRequest } from './pagination.js'
import type { Resource } from '../resource.js'

/**
 * Resolvers for relation fields. They read what the parent row brought from the one-statement
 * compiler; only when it brought nothing (the parent came from elsewhere) do they batch a load
 * through the same compiler, one statement per field for all parents of a request.
 */

type Row = Record<string, unknown>

/** A relation value from the parent row, or from a batched fallback load. */
function relationValue(resource: Resource, parent: Row, context: Context, info: GraphQLResolveInfo): unknown {
  const key = relationKey(String(info.path.key))
  if (key in parent) return parent
  return fallbackLoader(resource, context, info).load(String(parent.id))
}

function fallbackLoader(resource: Resource, context: Context, info: GraphQLResolveInfo) {
  // Same field at the same place in the query (list indexes aside) shares one loader.
  const loaderKey = `${resource.typeName}:${pathWithoutIndexes(info)}`
  let loader = context.relationLoaders.get(loaderKey)
  if (!loader) {
    const tree = parseResolveInfo(info) as ResolveTree
    const responseName = String(info.path.key)
    loader = new DataLoader(async (ids: readonly string[]) => {
      if (!context.principal) throw forbidden()
      const rows = await readRelationFor({ db: context.db, principal: context.principal }, resource, ids, responseName, tree)
      return ids.map((id) => rows.get(id))
    })
    context.relationLoaders.set(loaderKey, loader)
  }
  return loader
}

/**
 * The field's place in the query with list indexes left out, each step named with its parent type
 * too: two `... on X` branches under one response path ask different things and must not share.
 */
function pathWithoutIndexes(info: GraphQLResolveInfo): string {
  const keys: string[] = []
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path; path = path.prev) {
    if (typeof path.key === 'string') keys.push(`${path.typename ?? ''}.${path.key}`)
  }
  return keys.reverse().join('/')
}

function then<T, R>(value: T | Promise<T>, next: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value)
}

/** Resolves a to-one relation (Job.client). */
export function resolveOne(resource: Resource) {
  return (parent: Row, _args: unknown, context: Context, info: GraphQLResolveInfo) =>
    then(relationValue(resource, parent, context, info), (holder) =>
      ((holder as Row | undefined)?.[relationKey(String(info.path.key))] as Row | null | undefined) ?? null,
    )
}

/** Resolves an ordered child list (SalesOrder.lines). */
export function resolveLines(resource: Resource) {
  return (parent: Row, _args: unknown, context: Context, info: GraphQLResolveInfo) =>
    then(relationValue(resource, parent, context, info), (holder) =>
      ((holder as Row | undefined)?.[relationKey(String(info.path.key))] as Row[] | undefined) ?? [],
    )
}

/** Resolves a to-many relation as a connection (Job.salesOrders). */
export function resolveMany(resource: Resource) {
  return (parent: Row, args: ConnectionArgs, context: Context, info: GraphQLResolveInfo) => {
    // Validate first: bad arguments are an error at this field's path, whichever path loads it.
    const page = pageRequest(args, 'id')
    return then(relationValue(resource, parent, context, info), (holder) => {
      const name = String(info.path.key)
      const rows = ((holder as Row | undefined)?.[relationKey(name)] as Row[] | undefined) ?? []
      const count = (holder as Row | undefined)?.[countKey(name)]
      return toConnection({ ...pageOf([...rows], page), totalCount: count == null ? null : Number(count), order: 'id' })
    })
  }
}

/** An edge computes its cursor only when a client asks for it. */
class Edge {
  constructor(
    readonly node: Row,
    private readonly order: PageResult['order'],
  ) {}
  get cursor(): string {
    return cursorOf(this.node, this.order)
  }
}

function cursorOf(row: Row, order: PageResult['order']): string {
  return order === 'sync'
    ? encodeCursor({ order, id: String(row.id), updatedAt: String(row[SYNC_KEY]) })
    : encodeCursor({ order, id: String(row.id) })
}

export interface ConnectionValue {
  edges: Edge[]
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }
  totalCount: number | null
}

/** Shapes a page as a Relay connection. */
export function toConnection(page: PageResult): ConnectionValue {
  const edges = page.rows.map((row) => new Edge(row, page.order))
  const first = page.rows[0]
  const last = page.rows[page.rows.length - 1]
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: first ? cursorOf(first, page.order) : null,
      endCursor: last ? cursorOf(last, page.order) : null,
    },
    totalCount: page.totalCount,
  }
}
