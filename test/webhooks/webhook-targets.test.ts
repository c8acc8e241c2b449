import { describe, expect, it } from 'vitest'
import { isRefusedAddress, resolveTarget } from '../../src/webhooks/targets.js'
import { startTestServer } from '../setup/app.js'
import { fails } from '../setup/admin-client.js'
import { createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'

/**
 * Webhook targets without GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: loopback is refused when an endpoint is
 * saved (BAD_USER_INPUT on url) and again before a delivery. Only loopback addresses are named here.
 */

describe('webhook targets without GATEHOUSE_WEBHOOK_ALLOW_PRIVATE', () => {
  it('judges loopback in every spelling as refused', async () => {
    for (const address of ['127.0.0.1', '127.0.0.2', '::1', '::ffff:127.0.0.1']) expect(isRefusedAddress(address), address).toBe(true)
    const rules = { production: false, allowPrivate: false }
    await expect(resolveTarget(new URL('http://127.0.0.2:9/'), rules)).rejects.toThrow(/loopback/)
    await expect(resolveTarget(new URL('http://[::1]:9/'), rules)).rejects.toThrow(/loopback/)
    await expect(resolveTarget(new URL('http://localhost:9/'), rules)).rejects.toThrow(/loopback/)
    expect(await resolveTarget(new URL('http://127.0.0.2:9/'), { ...rules, allowPrivate: true })).toEqual([{ address: '127.0.0.2', family: 4 }])
  })

  it('refuses a loopback URL as BAD_USER_INPUT on url, and saves nothing', async () => {
    const strict = await startTestServer({})
    try {
      const admin = await signInAsAdmin(strict)
      const member = await createMemberWithKeys(strict, admin)
      const result = await strict.graphql(`mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { secret } }`, {
        variables: { i: { url: 'http://127.0.0.2:9/', events: ['job.created'], memberId: member.globalId } },
        headers: admin.headers,
      })
      const error = fails(result, 'BAD_USER_INPUT')
      expect(error.extensions?.field).toBe('input.url')
      expect(error.message).not.toMatch(/whsec_/)
      expect(await strict.app.services.database.db.selectFrom('webhook_endpoints').select('id').execute()).toEqual([])
    } finally {
      await strict.close()
    }
    // A server of its own starts on an embedded database: slow on a loaded machine.
  }, 60_000)
})
