import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseHandle } from '../../../src/db/database.js'
import { executeAs } from '../../setup/in-process.js'
import { seededWithAdminReader } from '../../setup/factories.js'

/**
 * A client chooses its GraphQL aliases; the read compiler must answer the same whatever they are.
 * Each case runs a document twice — with hostile aliases and with plain distinct ones — and the
 * two answers must be the same tree with the keys renamed. These are the cases that once attached
 * rows to the wrong parent, emptied relations or failed with a masked error.
 */

let database: DatabaseHandle
let admin: { businessId: string; principalId: string }

beforeAll(async () => {
  ;({ database, admin } = await seededWithAdminReader(
    { businesses: 2, contactsPerBusiness: 6, jobsPerBusiness: 12, ordersPerJob: 2, linesPerOrder: 2, seed: 11 },
    'reader@aliases.test',
  ))
}, 60_000)
afterAll(() => database.close())

const Z60 = 'z'.repeat(60)
const Z70 = 'z'.repeat(70)

/** `document` uses A, B, C as alias placeholders; `hostile` and `plain` fill them in. */
async function expectAliasBlind(document: string, hostile: Record<string, string>, plain: Record<string, string>) {
  const fill = (names: Record<string, string>) => document.replace(/\b([ABC])\b(?=\s*:)/g, (slot) => names[slot] ?? slot)
  const [withHostile, withPlain] = await Promise.all([
    executeAs(database, admin, fill(hostile)),
    executeAs(database, admin, fill(plain)),
  ])
  expect(withPlain.errors).toBeUndefined()
  expect(withHostile.errors).toBeUndefined()
  // The plain aliases (a, b, c) name no field, so renaming them in the plain answer is exact.
  const renamed = JSON.stringify(withPlain.data, (_key, value) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value
    const back: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      const slot = Object.keys(plain).find((name) => plain[name] === key)
      back[slot ? hostile[slot]! : key] = inner
    }
    return back
  })
  expect(withHostile.data).toEqual(JSON.parse(renamed))
  return withPlain.data as any
}

describe('client aliases in the read compiler', () => {
  it('keeps nested rows under their own parent when two 60-character aliases would meet', async () => {
    const data = await expectAliasBlind(
      `{ contacts(first: 3) { nodes { id A: jobs(first: 2) { nodes { id B: salesOrders(first: 5) { nodes { id job { id } } } } } } } }`,
      { A: Z60, B: Z60 },
      { A: 'a', B: 'b' },
    )
    // Every order names the job it was listed under: nothing attached to the wrong parent.
    const jobs = data.contacts.nodes.flatMap((contact: any) => contact.a.nodes)
    expect(jobs.length).toBeGreaterThan(0)
    for (const job of jobs) for (const order of job.b.nodes) expect(order.job.id).toBe(job.id)
    expect(jobs.some((job: any) => job.b.nodes.length > 0)).toBe(true)
  })

  it('keeps lines and to-one relations apart under colliding aliases', async () => {
    await expectAliasBlind(
      `{ jobs(first: 4) { nodes { id A: salesOrders(first: 3) { nodes { id B: lines { position amount } C: client { id name } } } } } }`,
      { A: Z60, B: Z60, C: `${Z60}c` },
      { A: 'a', B: 'b', C: 'c' },
    )
  })

  it('does not empty a relation whose alias is longer than a PostgreSQL identifier', async () => {
    const data = await expectAliasBlind(
      `{ jobs(first: 3) { totalCount nodes { id A: salesOrders(first: 2) { totalCount nodes { id B: lines { position } } } C: client { name } } } }`,
      { A: Z70, B: `${Z70}b`, C: `${Z70}c` },
      { A: 'a', B: 'b', C: 'c' },
    )
    expect(data.jobs.nodes.some((job: any) => job.a.nodes.length > 0)).toBe(true)
  })

  it('lets aliases shadow the compiler’s own names (total, updatedAt, syncOrder, count)', async () => {
    await expectAliasBlind(
      `{ jobs(first: 3, filter: { updatedSince: "2000-01-01T00:00:00Z" }) { totalCount edges { cursor node { id A: client { id name } B: salesOrders(first: 2) { totalCount nodes { total } } } } } }`,
      { A: 'total', B: 'updatedAt' },
      { A: 'a', B: 'b' },
    )
    await expectAliasBlind(
      `{ salesOrders(first: 3) { totalCount nodes { id subtotal A: lines { amount } B: client { id } C: job { id } } } }`,
      { A: 'total', B: 'syncOrder', C: 'count' },
      { A: 'a', B: 'b', C: 'c' },
    )
  })
})
