/**
 * What credential verification costs per request: `node --import tsx bench/authenticate.bench.ts`
 * (in-memory PGlite), or with DATABASE_URL=postgres://… for PostgreSQL. Measures the authenticator
 * alone (cached key, uncached key, session, bad checksum) and a whole `{ __typename }` request
 * over HTTP with and without a key, so the difference is what a key costs a request.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { createApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createTestDatabase } from '../test/setup/database.js'

const database = await createTestDatabase()
const config = loadConfig({
  NODE_ENV: 'test',
  GATEHOUSE_DEMO_DATA: '0',
  GATEHOUSE_KEY_PEPPER: 'bench-pepper-0123456789abcdef',
  BOOTSTRAP_ADMIN_EMAIL: 'admin@bench.local',
  BOOTSTRAP_ADMIN_PASSWORD: 'bench password 123',
  GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: '100000000', GATEHOUSE_COST_LIMIT: '0',
})
const app = await createApp(config, { database, log: pino({ level: 'silent' }) })
const { credentials } = app.services

async function graphql(query: string, headers: Record<string, string> = {}, variables?: unknown) {
  const response = await app.yoga.fetch('http://bench/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  })
  return (await response.json()) as { data: any }
}

const token: string = (await graphql('mutation { signIn(input: { email: "admin@bench.local", password: "bench password 123" }) { token } }')).data.signIn.token
const admin = { authorization: `Bearer ${token}` }
const role = await database.db.selectFrom('security_roles').select(['id', 'business_id']).executeTakeFirstOrThrow()
const member = await database.db
  .insertInto('principals')
  .values({ business_id: role.business_id, kind: 'API_MEMBER', name: 'bench', role_id: role.id })
  .returning('id')
  .executeTakeFirstOrThrow()
const memberId = Buffer.from(`ApiMember:${member.id}`).toString('base64url')
const keys = (await graphql('mutation($m: ID!) { generateApiKeys(input: { memberId: $m, description: "bench" }) { primary { key publicKey } } }', admin, { m: memberId })).data.generateApiKeys.primary

const meta = { requestId: 'bench', clientAddress: null }
const request = (headers: Record<string, string>) => new Request('http://bench/graphql', { headers })
const keyRequest = request({ authorization: `Bearer ${keys.key}` })
const broken = request({ authorization: `Bearer ${keys.key.slice(0, -1)}${keys.key.endsWith('A') ? 'B' : 'A'}` })

async function time(name: string, iterations: number, work: () => Promise<unknown>) {
  for (let i = 0; i < Math.min(200, iterations); i++) await work()
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await work()
  const micros = Number(process.hrtime.bigint() - started) / 1000 / iterations
  console.log(`${name.padEnd(48)} ${micros.toFixed(1).padStart(9)} µs/request  (${iterations} runs)`)
}

console.log(`database: ${database.kind}, invalidation bus: ${credentials.stats().bus}`)
await time('authenticate: API key, cached', 20_000, () => credentials.authenticate(keyRequest, meta))
await time('authenticate: session token, cached', 20_000, () => credentials.authenticate(request(admin), meta))
await time('authenticate: key with a bad checksum (refused)', 20_000, () => credentials.authenticate(broken, meta).catch(() => null))
await time('authenticate: API key, uncached (2 queries)', 500, async () => {
  await credentials.invalidate({ publicKey: keys.publicKey })
  await credentials.authenticate(keyRequest, meta)
})

const server = createServer(app.handle)
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`
const post = (headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ __typename }"}' }).then((r) => r.text())
await time('HTTP { __typename }, anonymous', 2_000, () => post({}))
await time('HTTP { __typename }, API key (cached)', 2_000, () => post({ authorization: `Bearer ${keys.key}` }))
console.log(JSON.stringify(credentials.stats()))

server.close()
await app.close()
await database.close()
