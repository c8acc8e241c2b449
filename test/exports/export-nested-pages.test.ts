import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { exportLines } from './export-helpers.js'

/**
 * A nested connection longer than a page (a client with 230 jobs, at most 100 per page) is
 * exported whole: the export continues it through node(id) after its first page, and its lines
 * equal what a partner reads paging that connection itself.
 */

let server: TestServer
let admin: SignedIn
let member: MemberWithKeys
let bigClient: string
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-nested-'))

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 17,
    sizes: { salesReps: 2, contacts: 5, suppliers: 1, jobs: 260, salesOrdersPerJob: 0, purchaseOrdersPerJob: 0, linesPerOrder: 1 },
  })
  const db = server.app.services.database.db
  const contacts = await db.selectFrom('contacts').select('id').where('business_id', '=', admin.businessId).orderBy('id').execute()
  bigClient = contacts[0]!.id
  const jobs = await db.selectFrom('jobs').select('id').where('business_id', '=', admin.businessId).orderBy('id').limit(230).execute()
  await db.updateTable('jobs').set({ client_id: bigClient }).where('business_id', '=', admin.businessId).where('id', 'in', jobs.map((job) => job.id)).execute()
  member = await createMemberWithKeys(server, admin)
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('continues a nested connection past its first page, in order, with every child under its parent', async () => {
  const headers = xApiKey(member.primary.key)
  const { lines } = await exportLines(server, headers, '{ contacts { nodes { name jobs { nodes { number name } } } } }')
  // The reference: contacts paged, and each contact's jobs paged through contact(id) as a partner would.
  const expected: Array<Record<string, unknown>> = []
  const contacts = await server.graphql('{ contacts(first: 100) { pageInfo { hasNextPage } nodes { id __typename name } } }', { headers })
  expect(contacts.body.data.contacts.pageInfo.hasNextPage).toBe(false)
  let longest = 0
  for (const contact of contacts.body.data.contacts.nodes) {
    expected.push(contact)
    let after: string | null = null
    let count = 0
    for (;;) {
      const { body } = await server.graphql(
        'query($id: ID!, $after: String) { contact(id: $id) { jobs(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id __typename number name } } } }',
        { headers, variables: { id: contact.id, after } },
      )
      const page = body.data.contact.jobs
      for (const job of page.nodes) expected.push({ ...job, __parentId: contact.id })
      count += page.nodes.length
      if (!page.pageInfo.hasNextPage) break
      after = page.pageInfo.endCursor
    }
    longest = Math.max(longest, count)
  }
  expect(longest).toBeGreaterThan(200)
  expect(lines).toEqual(expected)
})
