import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { xApiKey } from '../setup/clients.js'
import { type LaneTwins, startLaneTwins } from './lane-twins.js'

/**
 * Wherever the pass-through read answers, the HTTP body must be byte-identical to what execution
 * answers, and in the lean lane execution is graphql-jit, whose key order differs from graphql-js's
 * collectFields once fragments or @skip/@include are involved (a selection's own fields before its
 * fragments', sibling fragments last first). The read property test compares with graphql-js, so
 * these documents are checked here, over HTTP, against a server without the lane. The pass-through
 * follows jit's order (records/read/field-order.ts); a directive on a fragment it declines (jit then
 * answers other data than graphql-js would).
 */

let twins: LaneTwins

beforeAll(async () => {
  twins = await startLaneTwins()
})
afterAll(async () => {
  await twins?.close()
})

async function body(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...xApiKey(twins.reader.primary.key) },
    body: JSON.stringify({ query, variables }),
  })
  return (await response.text()).replace(/"currentlyAvailable":\d+/, '"currentlyAvailable":"…"')
}

/** [name, document, whether the pass-through answers it] */
const documents: Array<[string, string, boolean]> = [
  ['a fragment spread before a field', 'query A($id: ID!) { job(id: $id) { ...JobName id } } fragment JobName on Job { name number }', true],
  ['two fragment spreads', 'query B($id: ID!) { job(id: $id) { ...JobId ...JobName } } fragment JobId on Job { id } fragment JobName on Job { name }', true],
  ['an inline fragment before a field', 'query C($id: ID!) { job(id: $id) { ... on Job { name } id } }', true],
  ['a field first excluded, then selected', 'query D($id: ID!, $no: Boolean = false) { job(id: $id) { name @include(if: $no) id name } }', true],
  ['fragments in a page', 'query E { jobs(first: 2) { ...Page totalCount } } fragment Page on JobConnection { nodes { id } }', true],
  ['a fragment at the root', 'query F { ...Root } fragment Root on Query { jobs(first: 2) { totalCount } }', true],
  ['a fragment skipped where first spread', 'query H($id: ID!, $no: Boolean = false) { job(id: $id) { ...JobName @include(if: $no) id ...JobName } } fragment JobName on Job { name }', false],
  ['a field selected twice, plainly', 'query G($id: ID!) { job(id: $id) { name id name client { name } } jobs(first: 2) { totalCount nodes { id } totalCount } }', true],
]

describe('the pass-through read, against graphql-jit execution', () => {
  it.each(documents)('answers %s with the bytes execution answers', async (_name, query, passes) => {
    const { server, yogaOnly } = twins
    const variables = { id: twins.jobId }
    // Twice each: the first request teaches the lean lane the document.
    await body(server.url, query, variables)
    await body(yogaOnly.url, query, variables)
    const before = server.app.laneStats()!.passedThrough
    const lane = await body(server.url, query, variables)
    const passed = server.app.laneStats()!.passedThrough - before
    const executed = await body(yogaOnly.url, query, variables)
    expect(passed, passes ? 'the pass-through answered' : 'the pass-through declined').toBe(passes ? 1 : 0)
    expect(lane).toBe(executed)
  })
})
