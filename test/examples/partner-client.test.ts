import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniformMatrix } from '../../src/access/permissions.js'
import { createProspectWithRetry, syncDeletions, syncJobs } from '../../examples/partner-client.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { createMemberWithKeys, createRoleSql, signInAsAdmin } from '../setup/clients.js'

/** The typed example client, run against a real server with a real API key. */

let server: TestServer

beforeAll(async () => {
  server = await startTestServer()
  const admin = await signInAsAdmin(server)
  const member = await createMemberWithKeys(server, admin, { roleId: await createRoleSql(server, admin.businessId, uniformMatrix('ALL')) })
  process.env.GATEHOUSE_URL = `${server.url}/graphql`
  process.env.GATEHOUSE_API_KEY = member.primary.key
})
afterAll(() => server?.close())

describe('examples/partner-client.ts', () => {
  it('creates a prospect once even when the same call is retried, and syncs', async () => {
    const since = new Date(Date.now() - 60_000).toISOString()
    const created = await createProspectWithRetry('Grace', 'Hopper', { idempotencyKey: 'crm-sync-8841' })
    expect(created.idempotentReplay).toBe(false)
    expect(created.contact?.name).toBe('Grace Hopper')
    // The same call again (what a retry after a lost response sends): the first result, nothing new.
    const retried = await createProspectWithRetry('Grace', 'Hopper', { idempotencyKey: 'crm-sync-8841' })
    expect(retried).toEqual({ ...created, idempotentReplay: true })
    const rows = await server.app.services.database.db.selectFrom('contacts').select('id').where('last_name', '=', 'Hopper').execute()
    expect(rows).toHaveLength(1)
    expect((await syncJobs(since)).jobs).toEqual([])
    expect(await syncDeletions(since)).toEqual([])
  })

  it('surfaces the contract code of a refused call', async () => {
    process.env.GATEHOUSE_API_KEY = 'gk_not-a-real-key'
    await expect(syncJobs(new Date().toISOString())).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 })
  })
})
