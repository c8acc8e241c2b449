import { spawn } from 'node:child_process'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { INVALIDATION_CHANNEL } from '../../src/access/credentials/invalidation.js'
import { createTestDatabase } from '../setup/database.js'
import { freePort } from '../setup/private-postgres.js'
import { type ServerProcess, startServerProcess } from '../setup/server-process.js'

/**
 * Two Gatehouse processes on one PostgreSQL, as a deployment behind a load balancer runs them,
 * telling each other through LISTEN/NOTIFY or through a Redis of the test's own: a key regenerated
 * through one is refused by the other, a member deactivated through the other is refused by the
 * first, a member given a role that reads nothing is FORBIDDEN on the other, each within a second,
 * and when one process is killed outright the other keeps serving. Real processes, real HTTP; runs
 * in the PostgreSQL run only.
 */

const EMAIL = 'admin@scale-out.test'
const PASSWORD = 'a password for the scale-out test'
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

async function startInstance(databaseUrl: string, env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess(
    {
      ...env,
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      BOOTSTRAP_ADMIN_EMAIL: EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: PASSWORD,
      GATEHOUSE_DEMO_DATA: '0',
      GATEHOUSE_KEY_PEPPER: 'scale-out-test-pepper-0123456789',
      GATEHOUSE_DB_POOL_SIZE: '4',
      GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '0',
    },
    cleanups,
  )
}

async function gql(instance: ServerProcess, query: string, headers: Record<string, string>, variables?: Record<string, unknown>) {
  const response = await fetch(new URL('/graphql', instance.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: response.status, body: (await response.json()) as any }
}

const READ = 'query Who { viewer { caller { name } } jobs(first: 1) { totalCount } }'

/** Milliseconds until `instance` answers `key` as `refused` says (polling every 20 ms, failing after 5 s). */
async function msUntil(instance: ServerProcess, key: string, since: number, refused: (answer: Awaited<ReturnType<typeof gql>>) => boolean): Promise<number> {
  for (;;) {
    const answer = await gql(instance, READ, { 'x-api-key': key })
    if (refused(answer)) return Date.now() - since
    expect(answer.status).toBe(200)
    if (Date.now() - since > 5_000) throw new Error('still accepted after 5 s')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
const unauthenticated = (answer: { status: number }) => answer.status === 401
const forbidden = (answer: { body: any }) => answer.body.errors?.[0]?.extensions?.code === 'FORBIDDEN'

/** A Redis of the test's own on a free loopback port (never the machine's). */
async function startRedis(): Promise<string> {
  const port = await freePort()
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  cleanups.push(() => {
    redis.kill('SIGKILL')
  })
  await new Promise((resolve) => setTimeout(resolve, 300))
  return `redis://127.0.0.1:${port}`
}

describe.runIf(Boolean(process.env.DATABASE_URL))('two Gatehouse processes on one PostgreSQL', () => {
  it.each([
    ['LISTEN/NOTIFY', false],
    ['Redis', true],
  ])('through %s: refuse a key, member or role changed through the other within a second, and one serves on when the other is killed', async (_bus, withRedis) => {
    const database = await createTestDatabase()
    cleanups.push(() => database.close())
    const env: Record<string, string> = withRedis ? { REDIS_URL: await startRedis() } : {}
    // One after the other: the first bootstraps the business, the second finds it.
    const a = await startInstance(database.url!, env)
    const b = await startInstance(database.url!, env)
    // Each tells the other through the bus named, not a fallback: both subscribed on the test's Redis.
    if (withRedis) {
      const redis = new Redis(env.REDIS_URL!)
      const [, subscribers] = (await redis.pubsub('NUMSUB', INVALIDATION_CHANNEL)) as [string, number]
      redis.disconnect()
      expect(subscribers).toBe(2)
    }

    const signedIn = await gql(a, 'mutation($input: SignInInput!) { signIn(input: $input) { token } }', {}, { input: { email: EMAIL, password: PASSWORD } })
    const admin = { authorization: `Bearer ${signedIn.body.data.signIn.token}` }
    const roles = await gql(b, '{ securityRoles(first: 10) { nodes { id builtin } } }', admin)
    const roleId = roles.body.data.securityRoles.nodes.find((role: { builtin: boolean }) => role.builtin).id
    const memberWithKey = async (name: string) => {
      const member = await gql(a, 'mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }', admin, { i: { name, description: `${name} partner`, roleId } })
      const keys = await gql(a, 'mutation($i: GenerateApiKeysInput!) { generateApiKeys(input: $i) { primary { key } } }', admin, {
        i: { memberId: member.body.data.createApiMember.id, description: name },
      })
      return { id: member.body.data.createApiMember.id as string, key: keys.body.data.generateApiKeys.primary.key as string }
    }
    const [rotated, deactivated, demoted, survivor] = [
      await memberWithKey('Rotated'), await memberWithKey('Deactivated'), await memberWithKey('Demoted'), await memberWithKey('Survivor'),
    ]
    // Each key works on both, twice (the second time through the lean lane).
    for (const instance of [a, b, a, b]) {
      for (const { key } of [rotated, deactivated, demoted, survivor]) expect((await gql(instance, READ, { 'x-api-key': key })).status).toBe(200)
    }

    const regenerated = await gql(a, 'mutation($i: RegenerateApiKeysInput!) { regenerateApiKeys(input: $i) { oldKeysStopAt } }', admin, {
      i: { memberId: rotated.id, slot: 'PRIMARY', confirm: true },
    })
    expect(regenerated.body.errors).toBeUndefined()
    expect(await msUntil(b, rotated.key, Date.now(), unauthenticated)).toBeLessThanOrEqual(1_000)

    const updated = await gql(b, 'mutation($i: UpdateApiMemberInput!) { updateApiMember(input: $i) { id } }', admin, { i: { id: deactivated.id, active: false } })
    expect(updated.body.errors).toBeUndefined()
    expect(await msUntil(a, deactivated.key, Date.now(), unauthenticated)).toBeLessThanOrEqual(1_000)

    const nothing = await gql(a, 'mutation($i: CreateSecurityRoleInput!) { createSecurityRole(input: $i) { id } }', admin, { i: { name: 'Reads nothing', permissions: [] } })
    const demotedAt = Date.now()
    await gql(a, 'mutation($i: UpdateApiMemberInput!) { updateApiMember(input: $i) { id } }', admin, { i: { id: demoted.id, roleId: nothing.body.data.createSecurityRole.id } })
    expect(await msUntil(b, demoted.key, demotedAt, forbidden)).toBeLessThanOrEqual(1_000)

    a.child.kill('SIGKILL')
    await a.exited
    for (let i = 0; i < 20; i++) {
      const { status, body } = await gql(b, READ, { 'x-api-key': survivor.key })
      expect(status).toBe(200)
      expect(body.data.viewer.caller.name).toBe('Survivor')
    }
    expect((await fetch(new URL('/ready', b.url))).status).toBe(200)
    // The killed instance's revocations stay: the rotated and deactivated keys are still refused here.
    for (const { key } of [rotated, deactivated]) expect((await gql(b, READ, { 'x-api-key': key })).status).toBe(401)
  }, 120_000)
})
