import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type App, createApp } from '../../src/app.js'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import { type TestServer, listenOnLoopback, startTestServer } from '../setup/app.js'
import { uniformMatrix } from '../../src/access/permissions.js'
import { type MemberWithKeys, type SignedIn, createMemberWithKeys, createRoleSql, signInAsAdmin, xApiKey } from '../setup/clients.js'
import { loadIntoBusiness } from '../setup/factories.js'
import { exportLines, startExport, waitForExport } from './export-helpers.js'

/**
 * Exports survive their instance: one whose instance died mid-way (a stale heartbeat, a torn last
 * line on disk) is resumed by another from its last saved batch, one whose instance stops is
 * handed back and finished elsewhere, and any instance serves the file from the shared folder —
 * each time the file equals, byte for byte, an export that ran without interruption. A principal
 * gone while its export waits ends it FAILED with a contract code; expired files are removed.
 */

const QUERY = '{ jobs { nodes { number name salesOrders { nodes { number total lines { position quantity } } } } } }'
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-export-resume-'))
let server: TestServer
let admin: SignedIn
let member: MemberWithKeys
let reference: { text: string; id: string }

/** Another instance of the same deployment: its own app (runner included) over the same database and export folder. */
async function secondInstance(): Promise<{ app: App; url: string; close(): Promise<void> }> {
  const app = await createApp(server.app.services.config, { database: server.app.services.database, log: pino({ level: 'silent' }) })
  const { server: http, url } = await listenOnLoopback(app.handle)
  return {
    app,
    url,
    async close() {
      http.closeAllConnections()
      await new Promise<void>((resolve) => http.close(() => resolve()))
      await app.close()
    },
  }
}

beforeAll(async () => {
  server = await startTestServer({ GATEHOUSE_EXPORT_DIR: dir, GATEHOUSE_EXPORT_STALE_SECONDS: '1' })
  admin = await signInAsAdmin(server)
  await loadIntoBusiness(server.app.services.database.db, admin, {
    seed: 16,
    sizes: { salesReps: 2, contacts: 10, suppliers: 1, jobs: 260, salesOrdersPerJob: 1, purchaseOrdersPerJob: 0, linesPerOrder: 2 },
  })
  member = await createMemberWithKeys(server, admin)
  const exported = await exportLines(server, xApiKey(member.primary.key), QUERY)
  reference = { text: exported.text, id: exported.state.id }
}, 120_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const db = () => server.app.services.database.db

describe('an export outlives its instance', () => {
  it.each([
    ['in its own part file, which it goes on writing after losing the export', true],
    ['under the final name (saved before runs had part files)', false],
  ])('whose instance died mid-way is resumed from its last saved batch, the torn tail dropped: %s', async (_name, ownPart) => {
    const headers = xApiKey(member.primary.key)
    // What a dead instance left: the first 100 jobs (and their orders) saved, then half a line.
    const lines = reference.text.split('\n').filter(Boolean)
    const roots = lines.map((line, index) => ({ index, root: !('__parentId' in JSON.parse(line)) })).filter((line) => line.root)
    const kept = lines.slice(0, roots[100]!.index)
    const savedText = kept.map((line) => `${line}\n`).join('')
    const page = await server.graphql('{ jobs(first: 100) { pageInfo { endCursor } } }', { headers })
    const done = await db().selectFrom('bulk_exports').selectAll().where('id', '=', decodeGlobalId(reference.id).id).executeTakeFirstOrThrow()
    const token = randomBytes(24).toString('base64url')
    const part = ownPart ? `${token}.dead-run.part` : `${token}.jsonl`
    // The torn tail is longer than everything still to come: only truncating it leaves a clean file.
    writeFileSync(join(dir, part), `${savedText}{"id":"torn", "__typ${'x'.repeat(Buffer.byteLength(reference.text))}`)
    const row = await db().insertInto('bulk_exports').values({
      business_id: admin.businessId, principal_id: member.id, credential: JSON.stringify(done.credential), query: QUERY, file_token: token,
      status: 'RUNNING', runner: 'an-instance-that-died', heartbeat_at: new Date(Date.now() - 3_600_000), started_at: new Date(),
      object_count: kept.length, bytes: Buffer.byteLength(savedText),
      progress: JSON.stringify({ root: 0, after: page.body.data.jobs.pageInfo.endCursor, ...(ownPart ? { part } : {}) }),
    }).returning('id').executeTakeFirstOrThrow()
    // Only stalled, not dead: it goes on appending to its file (through a descriptor it holds) while
    // the export is resumed elsewhere. Nothing of it may reach the export's file.
    const stalled = ownPart ? openSync(join(dir, part), 'a') : null
    const scribbling = stalled === null ? undefined : setInterval(() => writeSync(stalled, '{"stalled":true}\n'), 2)
    try {
      const state = await waitForExport(server, headers, encodeGlobalId('BulkExport', row.id))
      expect(state).toMatchObject({ status: 'COMPLETED', objectCount: lines.length, bytes: Buffer.byteLength(reference.text) })
      const response = await fetch(`${server.url}${state.url}`, { headers })
      expect(await response.text()).toBe(reference.text)
    } finally {
      clearInterval(scribbling)
      if (stalled !== null) closeSync(stalled)
    }
    // The finished file is all that is left of the export in the folder.
    expect(readdirSync(dir).filter((name) => name.startsWith(`${token}.`))).toEqual([`${token}.jsonl`])
  })

  it('whose instance stops is handed back and finished by another; any instance serves the file', async () => {
    const headers = xApiKey(member.secondary.key)
    const other = await secondInstance()
    const started = await fetch(`${other.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: 'mutation($q: String!) { startBulkExport(input: { query: $q }) { id } }', variables: { q: QUERY } }),
    }).then((response) => response.json() as Promise<any>)
    const id = started.data.startBulkExport.id
    // Stopped at once: its batch in flight ends, and the export is handed back (or already done).
    await other.close()
    const row = await db().selectFrom('bulk_exports').select(['status', 'runner']).where('id', '=', decodeGlobalId(id).id).executeTakeFirstOrThrow()
    expect(['CREATED', 'RUNNING', 'COMPLETED']).toContain(row.status)
    const state = await waitForExport(server, headers, id)
    expect(state.status).toBe('COMPLETED')
    expect(await (await fetch(`${server.url}${state.url}`, { headers })).text()).toBe(reference.text)
    // A third instance, which wrote nothing, serves it from the shared folder.
    const third = await secondInstance()
    try {
      const served = await fetch(`${third.url}${state.url}`, { headers })
      expect(served.status).toBe(200)
      expect(await served.text()).toBe(reference.text)
    } finally {
      await third.close()
    }
  })
})

describe('progress', () => {
  it('is visible while it runs: objectCount and bytes grow batch by batch before COMPLETED', async () => {
    const headers = xApiKey(member.primary.key)
    const started = await startExport(server, headers, QUERY)
    const id = started.body.data.startBulkExport.id
    const seen: Array<{ status: string; objectCount: number; bytes: number }> = []
    for (;;) {
      const { body } = await server.graphql('query($id: ID!) { bulkExport(id: $id) { status objectCount bytes } }', { headers, variables: { id } })
      seen.push(body.data.bulkExport)
      if (!['CREATED', 'RUNNING'].includes(body.data.bulkExport.status)) break
    }
    const final = seen.at(-1)!
    expect(final.status).toBe('COMPLETED')
    // 260 jobs are three batches: at least one state between the first and the last was seen.
    const midway = seen.filter((state) => state.status === 'RUNNING' && state.objectCount > 0 && state.objectCount < final.objectCount)
    expect(midway.length).toBeGreaterThan(0)
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.objectCount).toBeGreaterThanOrEqual(seen[i - 1]!.objectCount)
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes)
    }
  })
})

describe('ends and removal', () => {
  it('a principal deactivated before its export runs ends it FAILED with UNAUTHENTICATED, and its file is removed', async () => {
    const gone = await createMemberWithKeys(server, admin)
    const headers = xApiKey(gone.primary.key)
    const started = await startExport(server, headers, '{ contacts { nodes { name } } }')
    const id = decodeGlobalId(started.body.data.startBulkExport.id).id
    // The first run ends (its file finished) before the row is set back for a second run.
    await waitForExport(server, headers, started.body.data.startBulkExport.id)
    // From here on every batch finds its principal inactive.
    await db().updateTable('principals').set({ active: false }).where('business_id', '=', admin.businessId).where('id', '=', gone.id).execute()
    await db().updateTable('bulk_exports').set({ status: 'CREATED', runner: null, bytes: 0, object_count: 0, progress: null })
      .where('business_id', '=', admin.businessId).where('id', '=', id).execute()
    server.app.services.exports!.wake()
    const deadline = Date.now() + 30_000
    let row = await db().selectFrom('bulk_exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    // Marked removed, then removed (the finished file, and the failed run's part): wait for both.
    const removed = () => !readdirSync(dir).some((name) => name.startsWith(`${row.file_token}.`))
    while ((row.status !== 'FAILED' || row.file_removed_at === null || !removed()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      row = await db().selectFrom('bulk_exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    }
    expect(row).toMatchObject({ status: 'FAILED', error_code: 'UNAUTHENTICATED' })
    expect(removed()).toBe(true)
  })

  it('a role narrowed before its export runs ends it FAILED with FORBIDDEN', async () => {
    const narrowed = await createMemberWithKeys(server, admin)
    const headers = xApiKey(narrowed.primary.key)
    const started = await startExport(server, headers, '{ contacts { nodes { name } } }')
    const id = decodeGlobalId(started.body.data.startBulkExport.id).id
    const none = await createRoleSql(server, admin.businessId, uniformMatrix('NONE'))
    await db().updateTable('principals').set({ role_id: none }).where('business_id', '=', admin.businessId).where('id', '=', narrowed.id).execute()
    await db().updateTable('bulk_exports').set({ status: 'CREATED', runner: null, bytes: 0, object_count: 0, progress: null })
      .where('business_id', '=', admin.businessId).where('id', '=', id).execute()
    server.app.services.exports!.wake()
    const state = await waitForExport(server, xApiKey(narrowed.secondary.key), started.body.data.startBulkExport.id)
    expect(state).toMatchObject({ status: 'FAILED', errorCode: 'FORBIDDEN', url: null })
  })

  it('an expired export is removed: no url, its file gone, its download NOT_FOUND', async () => {
    const headers = xApiKey(member.primary.key)
    const row = await db().selectFrom('bulk_exports').selectAll().where('id', '=', decodeGlobalId(reference.id).id).executeTakeFirstOrThrow()
    const path = join(dir, `${row.file_token}.jsonl`)
    expect(readFileSync(path, 'utf8')).toBe(reference.text)
    await db().updateTable('bulk_exports').set({ expires_at: new Date(Date.now() - 1000) }).where('business_id', '=', admin.businessId).where('id', '=', row.id).execute()
    server.app.services.exports!.wake()
    const deadline = Date.now() + 10_000
    while (existsSync(path) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(existsSync(path)).toBe(false)
    const state = await waitForExport(server, headers, reference.id)
    expect(state.url).toBeNull()
    expect((await fetch(`${server.url}/exports/${row.file_token}.jsonl`, { headers })).status).toBe(404)
  })
})
