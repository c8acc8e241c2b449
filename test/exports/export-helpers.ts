import { expect } from 'vitest'
import type { TestServer } from '../setup/app.js'

/**
 * Helpers for bulk export tests: start one, wait for its end, download it, and the reference it
 * is compared with — the same query paged through GraphQL (100 per page, as a partner would) and
 * flattened by this file's own simple rules, independent of src/exports.
 */

export const EXPORT_FIELDS = 'id status objectCount bytes errorCode errorMessage url createdAt startedAt completedAt expiresAt'

/** Starts an export; returns the GraphQL answer (the caller checks errors). */
export function startExport(server: TestServer, headers: Record<string, string>, query: string) {
  return server.graphql(`mutation($input: StartBulkExportInput!) { startBulkExport(input: $input) { ${EXPORT_FIELDS} } }`, {
    headers,
    variables: { input: { query } },
  })
}

/** Polls the export until it leaves CREATED and RUNNING; returns its last state. */
export async function waitForExport(server: TestServer, headers: Record<string, string>, id: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await server.graphql(`query($id: ID!) { bulkExport(id: $id) { ${EXPORT_FIELDS} } }`, { headers, variables: { id } })
    expect(body.errors).toBeUndefined()
    const state = body.data.bulkExport
    if (state.status !== 'CREATED' && state.status !== 'RUNNING') return state
    if (Date.now() > deadline) throw new Error(`export ${id} still ${state.status} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Starts an export and waits for it to complete; returns its state and its lines, parsed. */
export async function exportLines(server: TestServer, headers: Record<string, string>, query: string) {
  const started = await startExport(server, headers, query)
  expect(started.body.errors).toBeUndefined()
  const state = await waitForExport(server, headers, started.body.data.startBulkExport.id)
  expect(state).toMatchObject({ status: 'COMPLETED', errorCode: null })
  const response = await fetch(`${server.url}${state.url}`, { headers })
  expect(response.status).toBe(200)
  const text = await response.text()
  return { state, text, lines: text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) }
}

interface Level {
  /** The root field or relation, as the paged query names it. */
  field: string
  /** The node's own fields, GraphQL text (without id and __typename, which are added). */
  fields: string
  children?: Level[]
}

const selection = (level: Level, first: string): string =>
  `${level.field}(${first}) { pageInfo { hasNextPage endCursor } nodes { id __typename ${level.fields} ${(level.children ?? [])
    .map((child) => selection(child, 'first: 100'))
    .join(' ')} } }`

/**
 * The reference: each root paged through GraphQL at 100 per page, its nodes written parent first,
 * each child after its parent with `__parentId` (nested connections must fit one page here).
 */
export async function pagedLines(server: TestServer, headers: Record<string, string>, roots: Level[]) {
  const lines: Array<Record<string, unknown>> = []
  let requests = 0
  const flatten = (nodes: Array<Record<string, any>>, level: Level, parentId: string | null) => {
    for (const node of nodes) {
      const line: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(node)) if (!(level.children ?? []).some((child) => child.field === key)) line[key] = value
      if (parentId) line.__parentId = parentId
      lines.push(line)
      for (const child of level.children ?? []) {
        expect(node[child.field].pageInfo.hasNextPage).toBe(false)
        flatten(node[child.field].nodes, child, node.id)
      }
    }
  }
  for (const root of roots) {
    let after: string | null = null
    for (;;) {
      const { body } = await server.graphql(`query($after: String) { ${selection(root, 'first: 100, after: $after')} }`, { headers, variables: { after } })
      requests++
      expect(body.errors).toBeUndefined()
      const page = body.data[root.field]
      flatten(page.nodes, root, null)
      if (!page.pageInfo.hasNextPage) break
      after = page.pageInfo.endCursor
    }
  }
  return { lines, requests }
}

/** The nested query of the issue: jobs → sales orders → lines (inline), and contacts with their jobs. */
export const NESTED: Level[] = [
  {
    field: 'jobs',
    fields: 'number name status client { id name } owner { id kind }',
    children: [{ field: 'salesOrders', fields: 'number status total lines { position description quantity unitPrice }' }],
  },
  { field: 'contacts', fields: 'name type company', children: [{ field: 'jobs', fields: 'number' }] },
]

/** The same, as a partner writes it for an export: no paging, `edges { node }` and `nodes` both. */
export const NESTED_EXPORT = `{
  jobs { edges { node { number name status client { id name } owner { id kind }
    salesOrders { nodes { ...order } } } } }
  contacts { nodes { name type company jobs { edges { node { number } } } } }
}
fragment order on SalesOrder { number status total lines { position description quantity unitPrice } }`
