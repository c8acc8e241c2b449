/**
 * A typed partner client: what an integration built on Gatehouse looks like. Types come from
 * `npm run codegen` (examples/gql/), generated from the printed schema.
 *
 *   GATEHOUSE_URL=http://127.0.0.1:4000/graphql GATEHOUSE_API_KEY=gk_... node --import tsx examples/partner-client.ts
 */
import { randomUUID } from 'node:crypto'
import { print } from 'graphql'
import { graphql } from './gql/index.js'
import type { ResultOf, TypedDocumentNode } from '@graphql-typed-document-node/core'

const SyncJobs = graphql(`
  query SyncJobs($since: DateTime!, $after: String) {
    jobs(first: 100, after: $after, filter: { updatedSince: $since }) {
      nodes { id number name status version updatedAt client { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
`)

const SyncDeletions = graphql(`
  query SyncDeletions($since: DateTime!, $after: String) {
    deletedRecords(first: 100, after: $after, filter: { deletedSince: $since }) {
      nodes { id type deletedAt }
      pageInfo { hasNextPage endCursor }
    }
  }
`)

const CreateProspect = graphql(`
  mutation CreateProspect($input: CreateContactInput!) {
    createContact(input: $input) { idempotentReplay contact { id version name } }
  }
`)

interface GraphQLFailure { message: string; extensions?: { code?: string } }

/** Sends one typed operation; throws with the contract code on any error. */
async function request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
  const response = await fetch(process.env.GATEHOUSE_URL ?? 'http://127.0.0.1:4000/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.GATEHOUSE_API_KEY ?? ''}` },
    body: JSON.stringify({ query: print(document), variables }),
  })
  const body = (await response.json()) as { data?: Result; errors?: GraphQLFailure[] }
  if (body.errors?.length) {
    const [first] = body.errors
    throw Object.assign(new Error(first!.message), { code: first!.extensions?.code, status: response.status })
  }
  return body.data as Result
}

/** Pulls every job changed since `since`, page by page; the last cursor is where the next sync resumes. */
export async function syncJobs(since: string) {
  const jobs = []
  let after: string | null = null
  for (;;) {
    const result: ResultOf<typeof SyncJobs> = await request(SyncJobs, { since, after })
    // A list the role does not grant is null (with FORBIDDEN, which request() already threw).
    const page = result.jobs
    if (!page) throw new Error('jobs is not readable with this key')
    jobs.push(...page.nodes)
    if (!page.pageInfo.hasNextPage) return { jobs, resumeAfter: page.pageInfo.endCursor ?? after }
    after = page.pageInfo.endCursor ?? null
  }
}

/** Lists deletions since `since`, so the mirror can drop them too. */
export async function syncDeletions(since: string) {
  const deleted = []
  let after: string | null = null
  for (;;) {
    const result: ResultOf<typeof SyncDeletions> = await request(SyncDeletions, { since, after })
    const page = result.deletedRecords
    if (!page) throw new Error('deletedRecords answered null')
    deleted.push(...page.nodes)
    if (!page.pageInfo.hasNextPage) return deleted
    after = page.pageInfo.endCursor ?? null
  }
}

/**
 * Creates a prospect safely over a flaky network: one idempotency key for every attempt, so a
 * retry after a timeout returns the first result instead of creating a duplicate.
 */
export async function createProspectWithRetry(
  firstName: string,
  lastName: string,
  { attempts = 3, idempotencyKey = randomUUID() }: { attempts?: number; idempotencyKey?: string } = {},
) {
  for (let attempt = 1; ; attempt++) {
    try {
      const { createContact } = await request(CreateProspect, {
        input: { type: 'PROSPECT', firstName, lastName, idempotencyKey },
      })
      return createContact
    } catch (error) {
      const { code, status } = error as { code?: string; status?: number }
      const retryable = code === 'RATE_LIMITED' || status === undefined || status >= 500
      if (!retryable || attempt >= attempts) throw error
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt))
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString()
  const { jobs, resumeAfter } = await syncJobs(since)
  console.log(`synced ${jobs.length} jobs; resume after ${resumeAfter}`)
  console.log(`deletions: ${(await syncDeletions(since)).length}`)
  console.log(await createProspectWithRetry('Grace', 'Hopper'))
}
