import { afterAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { clientAddressResolver } from '../../src/server/client-address.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL } from '../setup/clients.js'

/**
 * The client's address, which rate limits, sign-in throttling and the audit log key on: the
 * socket's peer, unless that peer is a trusted proxy, in which case the right-most hop of
 * X-Forwarded-For that is not a trusted proxy. (The addresses below are documentation ranges,
 * written into headers only: no traffic goes anywhere but loopback.)
 */

describe('the client address', () => {
  it('ignores X-Forwarded-For unless the peer is trusted, and then believes only the hops after the last untrusted one', () => {
    const plain = clientAddressResolver([])
    expect(plain('127.0.0.1', '198.51.100.7')).toBe('127.0.0.1')
    expect(plain('::ffff:127.0.0.1', null)).toBe('127.0.0.1')
    const behind = clientAddressResolver(['127.0.0.1', '10.0.0.0/8'])
    expect(behind('127.0.0.1', '198.51.100.7')).toBe('198.51.100.7')
    expect(behind('127.0.0.1', '198.51.100.7, 10.1.2.3')).toBe('198.51.100.7')
    // A client writing its own X-Forwarded-For gets only its real address believed: the right-most untrusted hop.
    expect(behind('127.0.0.1', '203.0.113.1, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7')
    expect(behind('198.51.100.9', '203.0.113.1')).toBe('198.51.100.9')
    expect(behind('127.0.0.1', 'not-an-address, 10.1.2.3')).toBe('10.1.2.3')
  })

  it('refuses a trusted-proxy entry that is neither an address nor a CIDR block', () => {
    expect(loadConfig({ GATEHOUSE_TRUSTED_PROXIES: '10.0.0.0/8, ::1, 192.168.1.1' }).GATEHOUSE_TRUSTED_PROXIES).toHaveLength(3)
    for (const value of ['10.0.0.0/33', 'proxy.internal', '10.0.0.0/8/1', '*']) {
      expect(() => loadConfig({ GATEHOUSE_TRUSTED_PROXIES: value }), value).toThrow()
    }
  })

  const servers: TestServer[] = []
  afterAll(() => Promise.all(servers.map((server) => server.close())))

  it.each([
    ['with the loopback proxy trusted', { GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1' }, '203.0.113.9'],
    ['without it', {}, '127.0.0.1'],
  ])('is what a refused sign-in is audited from, %s', async (_name, env, expected) => {
    const server = await startTestServer(env)
    servers.push(server)
    const { body } = await server.graphql('mutation($input: SignInInput!) { signIn(input: $input) { token } }', {
      variables: { input: { email: ADMIN_EMAIL, password: 'wrong password 123' } },
      headers: { 'x-forwarded-for': '203.0.113.9' },
    })
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const event = await server.app.services.database.db.selectFrom('audit_events').select('client_address')
      .where('action', '=', 'auth.sign_in_failed').executeTakeFirstOrThrow()
    expect(event.client_address).toBe(expected)
  })
})
