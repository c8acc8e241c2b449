import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import { packCursor } from '../../src/records/read/pagination.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type SignedIn, signInAsAdmin } from '../setup/clients.js'

/**
 * Crafted arguments that once reached PostgreSQL and came back as a masked INTERNAL_SERVER_ERROR.
 * Each is now refused before SQL with the contract's code and the field it came in.
 */

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
}, 60_000)
afterAll(() => server?.close())

const send = (query: string, variables?: Record<string, unknown>) => server.graphql(query, { variables, headers: admin.headers })
const refusal = (body: { errors?: Array<{ extensions?: Record<string, any>; path?: unknown }> }) =>
  body.errors?.map((error) => ({ code: error.extensions?.code, field: error.extensions?.field }))

const BEYOND_BIGINT = '9223372036854775808'
const cursorOf = (parts: string[]) => packCursor(parts)

describe('crafted input never reaches SQL', () => {
  it('an id beyond the bigint range is NOT_FOUND, in a lookup, node and an update', async () => {
    const jobId = encodeGlobalId('Job', BEYOND_BIGINT)
    const lookup = await send('query($id: ID!) { job(id: $id) { id } node(id: $id) { id } }', { id: jobId })
    expect(refusal(lookup.body)).toEqual([{ code: 'NOT_FOUND', field: 'id' }, { code: 'NOT_FOUND', field: 'id' }])
    const update = await send('mutation($input: UpdateJobInput!) { updateJob(input: $input) { job { id } } }', {
      input: { id: jobId, expectedVersion: 1, name: 'x' },
    })
    expect(refusal(update.body)).toEqual([{ code: 'NOT_FOUND', field: 'id' }])
  })

  it('cursors with impossible times, ids or types are BAD_USER_INPUT naming the cursor argument', async () => {
    const badCursors = [
      cursorOf(['s', '2026-02-30 10:00:00+00', '1']),
      cursorOf(['s', '99999-01-01 00:00:00+00', '1']),
      cursorOf(['s', '2026-01-01 00:00:00+00', BEYOND_BIGINT]),
      cursorOf(['s', 'yesterday', '1']),
    ]
    for (const after of badCursors) {
      const sync = await send('query($after: String) { jobs(after: $after, filter: { updatedSince: "2020-01-01T00:00:00Z" }) { nodes { id } } }', { after })
      expect(refusal(sync.body), after).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }])
      const audit = await send('query($after: String) { auditEvents(after: $after) { nodes { id } } }', { after })
      expect(refusal(audit.body), after).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }])
    }
    const idCursor = cursorOf(['i', BEYOND_BIGINT])
    expect(refusal((await send('query($after: String) { jobs(after: $after) { nodes { id } } }', { after: idCursor })).body))
      .toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }])
    for (const after of [cursorOf(['2026-13-01 00:00:00+00', 'Job', '1']), cursorOf(['2026-01-01 00:00:00+00', 'Job\u0000', '1'])]) {
      const deleted = await send('query($after: String) { deletedRecords(after: $after, filter: { deletedSince: "2020-01-01T00:00:00Z" }) { nodes { id } } }', { after })
      expect(refusal(deleted.body), after).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }])
    }
  })

  it('text with a NUL byte or a lone surrogate is refused: a literal fails validation, a variable names its path', async () => {
    const literal = await send('{ jobs(filter: { search: "a\\u0000b" }) { nodes { id } } }')
    expect(literal.status).toBe(400)
    expect(refusal(literal.body)).toEqual([{ code: 'GRAPHQL_VALIDATION_FAILED', field: undefined }])
    for (const search of ['a\u0000b', 'a\ud800b']) {
      const variable = await send('query($filter: JobFilter) { jobs(filter: $filter) { nodes { id } } }', { filter: { search } })
      expect(variable.status).toBe(400)
      expect(refusal(variable.body)).toEqual([{ code: 'BAD_USER_INPUT', field: 'filter.search' }])
    }
    const before = await server.app.services.database.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const write = await send('mutation($input: CreateContactInput!) { createContact(input: $input) { contact { id } } }', {
      input: { type: 'CLIENT', firstName: 'Nul', lastName: 'Byte', emails: [{ label: 'work', value: 'a\u0000@example.com' }] },
    })
    expect(refusal(write.body)).toEqual([{ code: 'BAD_USER_INPUT', field: 'input.emails.0.value' }])
    const after = await server.app.services.database.db.selectFrom('contacts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('a time whose offset carries it past the calendar, and an empty cursor, are BAD_USER_INPUT', async () => {
    for (const updatedSince of ['9999-12-31T23:59:59-15:00', '0001-01-01T00:00:00+15:00', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z']) {
      const { status, body } = await send('query($filter: JobFilter) { jobs(filter: $filter) { nodes { id } } }', { filter: { updatedSince } })
      expect(status, updatedSince).toBe(400)
      expect(refusal(body), updatedSince).toEqual([{ code: 'BAD_USER_INPUT', field: 'filter.updatedSince' }])
    }
    const empty = await send('query($after: String) { jobs(after: $after) { nodes { id } } }', { after: '' })
    expect(refusal(empty.body)).toEqual([{ code: 'BAD_USER_INPUT', field: 'after' }])
  })

  it('a 70,000-entry status filter is BAD_USER_INPUT, not a failed statement', async () => {
    const status = Array.from({ length: 70_000 }, () => 'WIP')
    const { status: http, body } = await send('query($status: [JobStatus!]) { jobs(filter: { status: $status }) { nodes { id } } }', { status })
    expect(http).toBeLessThan(500)
    expect(refusal(body)).toEqual([{ code: 'BAD_USER_INPUT', field: 'filter.status' }])
  })
})
