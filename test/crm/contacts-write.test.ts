import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import { createTestDatabase } from '../setup/database.js'
import { executeAs } from '../setup/in-process.js'

let database: DatabaseHandle
let admin: { businessId: string; principalId: string }

beforeAll(async () => {
  database = await createTestDatabase()
  const business = await createBusiness(database.db, { name: 'Writers' })
  const principal = await database.db.insertInto('principals')
    .values({ business_id: business.id, kind: 'USER', name: 'Writer', email: 'writer@write.test', role_id: business.adminRoleId })
    .returning('id').executeTakeFirstOrThrow()
  admin = { businessId: business.id, principalId: principal.id }
})
afterAll(() => database.close())

const CREATE = `mutation($input: CreateContactInput!) { createContact(input: $input) { idempotentReplay contact { id version firstName type } } }`
const UPDATE = `mutation($input: UpdateContactInput!) { updateContact(input: $input) { contact { id version firstName company } } }`
const DELETE = `mutation($input: DeleteContactInput!) { deleteContact(input: $input) { deletedId deletedAt version } }`
const run = (query: string, input: Record<string, unknown>) => executeAs(database, admin, query, { input }) as Promise<any>
const countContacts = async () => Number((await database.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

describe('contact writes', () => {
  it('creates a record at version 1, owned by the caller', async () => {
    const result = await run(CREATE, { type: 'PROSPECT', firstName: 'Ada', lastName: 'Lovelace', emails: [{ label: 'work', value: 'ada@example.com' }] })
    expect(result.errors).toBeUndefined()
    expect(result.data.createContact.contact).toMatchObject({ version: 1, firstName: 'Ada', type: 'PROSPECT' })
    const row = await database.db.selectFrom('contacts').select('owner_id').where('first_name', '=', 'Ada').executeTakeFirstOrThrow()
    expect(row.owner_id).toBe(admin.principalId)
  })

  it('reports every invalid field at once and writes nothing', async () => {
    const before = await countContacts()
    const result = await run(CREATE, {
      type: 'CLIENT', firstName: 'x'.repeat(101), lastName: 'Ok',
      emails: [{ label: 'work', value: 'not-an-email' }], addresses: [{ label: 'hq', line1: '1 Road', city: 'Town', country: 'usa' }],
    })
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    const fields = result.errors[0].extensions.fields.map((problem: any) => problem.field).sort()
    expect(fields).toEqual(['input.addresses.0.country', 'input.emails.0.value', 'input.firstName'])
    expect(await countContacts()).toBe(before)
  })

  it('applies a create once per idempotency key, sequentially and concurrently', async () => {
    const input = { type: 'CLIENT', firstName: 'Once', lastName: 'Only', idempotencyKey: 'create-once-1' }
    const first = await run(CREATE, input)
    const again = await run(CREATE, input)
    expect(again.data.createContact.contact.id).toBe(first.data.createContact.contact.id)
    expect(again.data.createContact.idempotentReplay).toBe(true)

    const concurrent = await Promise.all(Array.from({ length: 8 }, () => run(CREATE, { ...input, idempotencyKey: 'create-once-2' })))
    expect(new Set(concurrent.map((result) => result.data.createContact.contact.id)).size).toBe(1)
    expect(concurrent.filter((result) => !result.data.createContact.idempotentReplay)).toHaveLength(1)
    const rows = await database.db.selectFrom('contacts').select('id').where('first_name', '=', 'Once').execute()
    expect(rows).toHaveLength(2)

    const reused = await run(CREATE, { ...input, firstName: 'Different' })
    expect(reused.errors?.[0]?.extensions?.code).toBe('CONFLICT')
  })

  it('lets exactly one of 20 concurrent updates with the same expectedVersion win', async () => {
    const created = await run(CREATE, { type: 'CLIENT', firstName: 'Race', lastName: 'Target' })
    const { id } = created.data.createContact.contact
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => run(UPDATE, { id, expectedVersion: 1, company: `Winner ${i}` })),
    )
    const winners = results.filter((result) => !result.errors)
    expect(winners).toHaveLength(1)
    expect(results.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(19)
    const stored = await database.db.selectFrom('contacts').select(['company', 'version']).where('first_name', '=', 'Race').executeTakeFirstOrThrow()
    expect(stored).toEqual({ company: winners[0].data.updateContact.contact.company, version: 2 })
  })

  it('deletes with a tombstone that a sync since a time sees', async () => {
    const since = new Date(Date.now() - 1000).toISOString()
    const created = await run(CREATE, { type: 'CLIENT', firstName: 'Gone', lastName: 'Soon' })
    const { id } = created.data.createContact.contact
    const stale = await run(DELETE, { id, expectedVersion: 7 })
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT')
    const deleted = await run(DELETE, { id, expectedVersion: 1 })
    expect(deleted.errors).toBeUndefined()
    expect(deleted.data.deleteContact).toMatchObject({ deletedId: id, version: 2 })

    const lookup: any = await executeAs(database, admin, `query($id: ID!) { contact(id: $id) { id } }`, { id })
    expect(lookup.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const sync: any = await executeAs(database, admin, `query($since: DateTime!) {
      deletedRecords(first: 50, filter: { deletedSince: $since }) { nodes { id type version } } }`, { since })
    expect(sync.errors).toBeUndefined()
    expect(sync.data.deletedRecords.nodes).toEqual([{ id, type: 'Contact', version: 2 }])
    const again = await run(DELETE, { id, expectedVersion: 2 })
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })

  it('refuses to delete a contact that a live job names as client, and changes nothing', async () => {
    const created = await run(CREATE, { type: 'CLIENT', firstName: 'Busy', lastName: 'Client' })
    const { id } = created.data.createContact.contact
    const job: any = await executeAs(database, admin, `mutation($input: CreateJobInput!) { createJob(input: $input) { job { id } } }`,
      { input: { name: 'Uses the client', clientId: id } })
    expect(job.errors).toBeUndefined()
    const refused = await run(DELETE, { id, expectedVersion: 1 })
    expect(refused.errors?.[0]?.extensions?.code).toBe('CONFLICT')
    const row = await database.db.selectFrom('contacts').select(['version', 'deleted_at']).where('first_name', '=', 'Busy').executeTakeFirstOrThrow()
    expect(row).toEqual({ version: 1, deleted_at: null })
  })

  it('converts a prospect into a client once', async () => {
    const created = await run(CREATE, { type: 'PROSPECT', firstName: 'Maybe', lastName: 'Buyer' })
    const { id } = created.data.createContact.contact
    const convert = `mutation($input: ConvertProspectInput!) { convertProspectToClient(input: $input) { contact { type version } } }`
    const converted = await run(convert, { id, expectedVersion: 1 })
    expect(converted.data.convertProspectToClient.contact).toEqual({ type: 'CLIENT', version: 2 })
    const twice = await run(convert, { id, expectedVersion: 2 })
    expect(twice.errors?.[0]?.extensions?.code).toBe('CONFLICT')
  })
})
