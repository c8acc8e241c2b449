import type { Browser, Page } from 'playwright-core'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildConsole } from '../../src/bin/build-console.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, type SignedIn, bearer, createMemberWithKeys, signInAsAdmin } from '../setup/clients.js'
import { describeInBrowser, launchChromium, withScreenshot } from '../setup/browser.js'
import { eventually } from '../setup/eventually.js'
import { startReceiver } from '../webhooks/receiver.js'

/**
 * The console's webhooks screen in headless Chromium against a real Gatehouse and a real receiver
 * on 127.0.0.1: an admin creates an endpoint (its secret shown once verifies what arrives), sees
 * deliveries with response code, latency and the next retry of a failing one, redelivers one with
 * the same webhook-id, disables and enables the endpoint, rotates its secret and deletes it.
 */

let server: TestServer
let browser: Browser
let page: Page
let admin: SignedIn
let receiver: Awaited<ReturnType<typeof startReceiver>>
const PATH = '/console-hooks'

describeInBrowser('the console’s webhooks screen in a browser', () => {
  beforeAll(async () => {
    // A failed attempt is retried a minute later: long enough to see it waiting.
    const env = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '1', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '60' }
    ;[server, browser, receiver] = await Promise.all([startTestServer(env), launchChromium(), startReceiver(), buildConsole({ quiet: true })])
    admin = await signInAsAdmin(server)
    await createMemberWithKeys(server, admin, { name: 'Hook listener' })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    page = await context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await receiver?.close()
  })

  const contact = async (lastName: string) => {
    const { body } = await server.graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { contact { id version } } }', {
      headers: bearer(admin.token), variables: { i: { type: 'CLIENT', firstName: 'Hook', lastName } },
    })
    return body.data.createContact.contact as { id: string; version: number }
  }
  const arrived = (count: number) => eventually(() => expect(receiver.at(PATH)).toHaveLength(count))
  const row = (status: string) => page.locator(`section.deliveries tr[data-status="${status}"]`)

  it('creates an endpoint whose one-time secret verifies its deliveries, shows attempts, redelivers, disables, rotates and deletes', async () => {
    await withScreenshot(page, 'console-webhooks', async () => {
      await page.goto(`${server.url}/admin`)
      await page.getByLabel('Email').fill(ADMIN_EMAIL)
      await page.getByLabel('Password').fill(ADMIN_PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('link', { name: 'Webhooks' }).click()
      const form = page.getByRole('form', { name: 'New webhook endpoint' })
      await form.getByLabel('URL').fill(receiver.url(PATH))
      await form.getByLabel('Description').fill('CRM sync')
      await form.getByLabel('API member').selectOption({ label: 'Hook listener' })
      await form.getByLabel('contact.created').check()
      await form.getByLabel('contact.updated').check()
      await form.getByRole('button', { name: 'Create endpoint' }).click()

      // The secret, once: copied, it verifies what arrives; hidden, it is gone from the page.
      const shown = page.locator('.revealed code.key')
      const secret = (await shown.textContent()) ?? ''
      expect(secret).toMatch(/^whsec_/)
      await page.getByRole('button', { name: 'Copy signing secret' }).click()
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)
      await page.getByRole('button', { name: 'Hide secret' }).click()
      expect(await page.content()).not.toContain(secret)
      const endpointRow = page.locator(`tr[data-endpoint="${receiver.url(PATH)}"]`)
      await expect.poll(() => endpointRow.textContent()).toMatch(/contact\.created, contact\.updated.*Hook listener.*Active/)

      const first = await contact('First')
      const second = await contact('Second')
      await arrived(2)
      for (const request of receiver.at(PATH)) expect(new Webhook(secret).verify(request.body, request.headers)).toEqual(request.json)

      // A failing receiver: the update waits for its retry, with the code and the time shown.
      receiver.failNext(PATH, 1)
      await server.graphql('mutation($i: UpdateContactInput!) { updateContact(input: $i) { contact { version } } }', {
        headers: bearer(admin.token), variables: { i: { id: second.id, expectedVersion: second.version, company: 'Failing Ltd' } },
      })
      await arrived(3)
      await endpointRow.getByRole('button', { name: 'Deliveries' }).click()
      await eventually(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click()
        expect(await row('PENDING').count()).toBe(1)
      })
      expect(await row('PENDING').textContent()).toMatch(/contact\.updated.*PENDING.*500.*\d+ ms.*answered HTTP 500/)
      expect(await row('PENDING').locator('td').nth(6).textContent()).not.toBe('—')
      expect(await row('DELIVERED').count()).toBe(2)
      expect(await row('DELIVERED').first().textContent()).toMatch(/contact\.created.*DELIVERED.*204.*\d+ ms/)

      // Redeliver the first contact's event: the same webhook-id arrives again.
      const firstId = receiver.at(PATH).find((request) => request.json.data.id === first.id)!.headers['webhook-id']
      await page.locator(`section.deliveries tr[data-delivery="${firstId}"]`).first().getByRole('button', { name: 'Redeliver' }).click()
      await page.getByText('contact.created queued again with the same webhook-id.').waitFor()
      await arrived(4)
      expect(receiver.at(PATH)[3]!.headers['webhook-id']).toBe(firstId)

      // Disabled, nothing is queued or sent; enabled again, events go out.
      await endpointRow.getByRole('button', { name: 'Disable' }).click()
      await expect.poll(() => endpointRow.textContent()).toMatch(/Disabled/)
      await contact('While disabled')
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(receiver.at(PATH)).toHaveLength(4)
      await endpointRow.getByRole('button', { name: 'Enable' }).click()
      await expect.poll(() => endpointRow.textContent()).toMatch(/Active/)
      await contact('Enabled again')
      await arrived(5)

      // Rotated: a new secret, once; deliveries carry both signatures during the overlap.
      await endpointRow.getByRole('button', { name: 'Rotate secret' }).click()
      await page.getByText(/New secret for .* The old one keeps signing beside it until/).waitFor()
      const rotated = (await shown.textContent()) ?? ''
      expect(rotated).toMatch(/^whsec_/)
      expect(rotated).not.toBe(secret)
      await contact('After rotation')
      await arrived(6)
      const last = receiver.at(PATH)[5]!
      expect(new Webhook(rotated).verify(last.body, last.headers)).toEqual(last.json)
      expect(new Webhook(secret).verify(last.body, last.headers)).toEqual(last.json)

      await endpointRow.getByRole('button', { name: 'Delete' }).click()
      const dialog = page.getByRole('dialog', { name: 'Delete webhook endpoint?' })
      await dialog.getByRole('button', { name: 'Delete' }).click()
      await page.getByText(/deleted, with its pending deliveries/).waitFor()
      // The message shows as soon as the mutation answers; the list reloads just after it.
      await expect.poll(() => endpointRow.count()).toBe(0)
      const { body } = await server.graphql('{ webhookEndpoints { totalCount } }', { headers: bearer(admin.token) })
      expect(body.data.webhookEndpoints.totalCount).toBe(0)
    })
  })
})
