import { type TestServer, startTestServer } from '../setup/app.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { startInstance } from './server-helpers.js'

/**
 * A server with the lean lane and its twin without it (GATEHOUSE_LEAN_HTTP=0) over one database
 * holding a small business, an admin, a member with an admin-role key and one job's id: what the
 * tests that hold the lane (and the pass-through it runs) to yoga's bytes start from.
 */
export interface LaneTwins {
  server: TestServer
  yogaOnly: Awaited<ReturnType<typeof startInstance>>
  admin: SignedIn
  reader: MemberWithKeys
  jobId: string
  close(): Promise<void>
}

export async function startLaneTwins(): Promise<LaneTwins> {
  const server = await startTestServer({ GATEHOUSE_REQUEST_TIMEOUT_MS: '10000' })
  const yogaOnly = await startInstance(server, { GATEHOUSE_LEAN_HTTP: false })
  const admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 11,
    sizes: { salesReps: 2, contacts: 6, suppliers: 2, jobs: 8, salesOrdersPerJob: 1, purchaseOrdersPerJob: 1, linesPerOrder: 2 },
  })
  const reader = await createMemberWithKeys(server, admin)
  const jobs = await server.graphql('{ jobs(first: 1) { nodes { id } } }', { headers: admin.headers })
  return {
    server,
    yogaOnly,
    admin,
    reader,
    jobId: jobs.body.data.jobs.nodes[0].id,
    async close() {
      await yogaOnly.close()
      await server.close()
    },
  }
}
