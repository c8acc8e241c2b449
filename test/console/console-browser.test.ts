import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildConsole } from '../../src/bin/build-console.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD, bearer, signInAsAdmin } from '../setup/clients.js'
import { describeInBrowser, launchChromium, withScreenshot } from '../setup/browser.js'

/**
 * The admin console driven in headless Chromium against a real Gatehouse over HTTP: an admin signs
 * in, creates a role, a team and a member, generates the member's keys, copies one, regenerates
 * behind the "I agree" box, and the keys work (or stop) against /graphql.
 */

let server: TestServer
let browser: Browser
let context: BrowserContext
let page: Page
/** The member's key still working at the end of the key test (the regenerated Primary). */
let workingKey = ''

describeInBrowser('the admin console in a browser', () => {
  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startTestServer(), launchChromium(), buildConsole({ quiet: true })])
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    page = await context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const jobsWith = (key: string) => server.graphql('{ jobs(first: 1) { totalCount } }', { headers: bearer(key) })
  const clipboard = () => page.evaluate(() => navigator.clipboard.readText())
  const signIn = async (email: string, password: string) => {
    await page.goto(`${server.url}/admin`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  it('refuses a non-admin user and an API key at sign-in, saying why', async () => {
    await withScreenshot(page, 'console-refusal', async () => {
      const admin = await signInAsAdmin(server)
      const roles = await server.graphql('{ securityRoles { nodes { id builtin } } }', { headers: bearer(admin.token) })
      const created = await server.graphql(
        `mutation($i: CreateSecurityRoleInput!) { createSecurityRole(input: $i) { id } }`,
        { headers: bearer(admin.token), variables: { i: { name: 'Readers', permissions: [{ module: 'JOBS', operation: 'INQUIRE', level: 'ALL' }] } } },
      )
      expect(roles.status).toBe(200)
      await server.graphql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
        headers: bearer(admin.token),
        variables: { i: { email: 'rep@test.local', name: 'Rita Rep', password: 'a long enough passphrase', roleId: created.body.data.createSecurityRole.id } },
      })
      await signIn('rep@test.local', 'a long enough passphrase')
      const refusal = page.getByRole('alert')
      await expect.poll(() => refusal.textContent()).toMatch(/FORBIDDEN.*Rita Rep holds the role “Readers”\. Only admins/)
      // The session made for the refusal was ended, and nothing of it is kept in the tab.
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0)

      await signIn('gk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x')
      await expect.poll(() => refusal.textContent()).toMatch(/An API key cannot use the console/)

      await signIn(ADMIN_EMAIL, 'wrong password')
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^UNAUTHENTICATED /)
    })
  })

  it('signs in, creates a role, a team and a member, generates, copies, regenerates, and the keys work over HTTP', async () => {
    await withScreenshot(page, 'console-keys', async () => {
      await signIn(ADMIN_EMAIL, ADMIN_PASSWORD)
      await page.getByRole('heading', { name: 'API', exact: true }).waitFor()
      // The token is in sessionStorage; the password is nowhere.
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))
      expect(stored).not.toContain(ADMIN_PASSWORD)

      // A role: Jobs inquire All, Contacts inquire Mine.
      await page.getByRole('link', { name: 'Security roles' }).click()
      await page.getByRole('button', { name: 'New role' }).click()
      await page.getByLabel('Role name').fill('Partner jobs')
      await page.getByLabel('Jobs Inquire').selectOption('ALL')
      await page.getByLabel('Contacts Inquire').selectOption('MINE')
      await page.getByRole('button', { name: 'Create role' }).click()
      await page.getByText('Role “Partner jobs” created.').waitFor()
      // The built-in Admin role is read-only.
      await page.locator('tr[data-role="Admin"]').getByRole('button', { name: 'View' }).click()
      expect(await page.getByLabel('Jobs Delete').isDisabled()).toBe(true)
      await page.getByRole('button', { name: 'Close' }).click()

      await page.getByRole('link', { name: 'Teams' }).click()
      await page.getByLabel('Team name').fill('Integrations')
      await page.getByRole('button', { name: 'Create team' }).click()
      await page.getByText('Team “Integrations” created.').waitFor()

      await page.getByRole('link', { name: 'API Members' }).click()
      const form = page.getByRole('form', { name: 'New API member' })
      await form.getByLabel('Name').fill('Webshop sync')
      await form.getByLabel('Description').fill('Order intake from the web store')
      await form.getByLabel('Security role').selectOption({ label: 'Partner jobs' })
      await form.getByLabel('Team').selectOption({ label: 'Integrations' })
      await page.getByRole('button', { name: 'Create member' }).click()
      const row = page.locator('tr[data-member="Webshop sync"]')
      await expect.poll(() => row.textContent()).toMatch(/Partner jobs.*Integrations.*Active/)

      // A role still held cannot be deleted: the refusal is shown with its code and reason.
      await page.getByRole('link', { name: 'Security roles' }).click()
      await page.locator('tr[data-role="Partner jobs"]').getByRole('button', { name: 'Delete' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^CONFLICT The role is still held by 1/)

      // Syncore's API page for the member: Generate → a Primary and a Secondary key, shown once.
      await page.getByRole('link', { name: 'API Members' }).click()
      await row.getByRole('link', { name: 'Keys' }).click()
      await page.getByRole('heading', { name: 'Webshop sync' }).waitFor()
      await page.getByLabel('Description').fill('Webshop')
      await page.getByRole('button', { name: 'Generate API Key' }).click()
      const primary = await page.locator('[data-slot="PRIMARY"] code.key').textContent()
      const secondary = await page.locator('[data-slot="SECONDARY"] code.key').textContent()
      expect(primary).toMatch(/^gk_\w{54}$/)
      expect(secondary).toMatch(/^gk_\w{54}$/)
      await page.getByRole('button', { name: 'Copy Primary key' }).click()
      await page.getByRole('button', { name: 'Copy Primary key' }).getByText('Copied').waitFor()
      expect(await clipboard()).toBe(primary)
      expect((await jobsWith(primary!)).body.data).toEqual({ jobs: { totalCount: 0 } })

      // Hide: the secrets leave the page; the listing shows them masked, with their details.
      await page.getByRole('button', { name: 'Hide API Keys' }).click()
      expect(await page.content()).not.toContain(primary!.slice(3))
      const listing = await page.locator('table.keys').textContent()
      expect(listing).toMatch(/Primary\s*gk_\w{4}….*Webshop/)
      expect(listing).toMatch(/Secondary/)

      // Regenerate the Primary key: the dialog's Regenerate waits for "I agree".
      await page.getByRole('button', { name: 'Regenerate API Keys' }).click()
      const dialog = page.getByRole('dialog', { name: 'Regenerate API Key?' })
      await dialog.getByLabel('Primary key').check()
      const warning = dialog.getByRole('note')
      expect(await warning.textContent()).toMatch(/^This cannot be undone\. Regenerating this API Key will remove any API access using the old key\. With no grace period the old key stops at once\./)
      await dialog.getByLabel('Grace period').selectOption('3600')
      expect(await warning.textContent()).toMatch(/the old key stops at .* \(in 1 hour\)\.$/)
      await dialog.getByLabel('Grace period').selectOption('0')
      const regenerate = dialog.getByRole('button', { name: 'Regenerate' })
      expect(await regenerate.isDisabled()).toBe(true)
      await regenerate.click({ force: true }).catch(() => {})
      expect(await dialog.isVisible()).toBe(true)
      expect((await jobsWith(primary!)).status).toBe(200)
      await dialog.getByLabel('I agree').check()
      expect(await regenerate.isEnabled()).toBe(true)
      await regenerate.click()
      await page.getByText('API Key has been regenerated').waitFor()
      expect(await dialog.count()).toBe(0)

      const renewed = await page.locator('[data-slot="PRIMARY"] code.key').textContent()
      expect(renewed).not.toBe(primary)
      expect(await page.locator('[data-slot="SECONDARY"]').count()).toBe(0)
      await page.getByRole('button', { name: 'Copy Primary key' }).click()
      expect(await clipboard()).toBe(renewed)
      // The new key works over real HTTP, the old Primary stopped at once, the Secondary still works.
      expect((await jobsWith(renewed!)).body.data).toEqual({ jobs: { totalCount: 0 } })
      workingKey = renewed!
      expect((await jobsWith(primary!)).status).toBe(401)
      expect((await jobsWith(secondary!)).status).toBe(200)

      // Revoke the Secondary from the listing.
      await page.getByRole('button', { name: 'Hide API Keys' }).click()
      const secondaryRow = page.locator('table.keys tr', { hasText: 'Secondary' })
      await secondaryRow.getByRole('button', { name: 'Revoke' }).click()
      await secondaryRow.getByRole('button', { name: 'Revoke now' }).click()
      await expect.poll(async () => (await jobsWith(secondary!)).status).toBe(401)
      await expect.poll(() => page.locator('table.keys tr', { hasText: 'Secondary' }).count()).toBe(0)

      // Key settings: an address allow-list refuses the key from here (loopback), an empty one lifts it.
      await page.getByText('Key settings').click()
      const settings = page.getByRole('form', { name: 'Key settings' })
      await settings.getByLabel(/Allowed addresses/).fill('203.0.113.0/24')
      await settings.getByRole('button', { name: 'Save settings' }).click()
      await page.getByText('Key settings saved').waitFor()
      await expect.poll(() => page.locator('table.keys').textContent()).toContain('203.0.113.0/24')
      const refused = await jobsWith(renewed!)
      expect([refused.status, refused.body.errors?.[0]?.extensions?.code]).toEqual([403, 'FORBIDDEN'])
      await settings.getByLabel(/Allowed addresses/).fill('')
      await settings.getByRole('button', { name: 'Save settings' }).click()
      await expect.poll(async () => (await jobsWith(renewed!)).status).toBe(200)

      // The audit log shows what was done, filtered by action.
      await page.getByRole('link', { name: 'Audit log' }).click()
      await page.getByLabel('Action').fill('api_keys.regenerate')
      await page.getByRole('button', { name: 'Apply filters' }).click()
      await expect.poll(() => page.locator('table.audit tbody tr').count()).toBe(1)

      // Sign out ends the session on the server too.
      const token = await page.evaluate(() => sessionStorage.getItem('gatehouse.console.session'))
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByText('Signed out.').waitFor()
      expect((await server.graphql('{ viewer { caller { name } } }', { headers: bearer(token!) })).status).toBe(401)
    })
  })

  it('edits and deactivates a member (its key stops), edits a role’s matrix, manages users and shows a refused write with its code', async () => {
    await withScreenshot(page, 'console-members-users', async () => {
      await signIn(ADMIN_EMAIL, ADMIN_PASSWORD)
      await page.getByRole('heading', { name: 'API', exact: true }).waitFor()
      const admin = await signInAsAdmin(server)
      const asAdmin = (query: string) => server.graphql(query, { headers: bearer(admin.token) })

      // A team name in use: the refusal shows its contract code and message.
      await page.getByRole('link', { name: 'Teams' }).click()
      await page.getByLabel('Team name').fill('Integrations')
      await page.getByRole('button', { name: 'Create team' }).click()
      await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^CONFLICT /)

      // The role's matrix edited in the grid reaches the server.
      await page.getByRole('link', { name: 'Security roles' }).click()
      await page.locator('tr[data-role="Partner jobs"]').getByRole('button', { name: 'Edit' }).click()
      expect(await page.getByLabel('Jobs Inquire').inputValue()).toBe('ALL')
      await page.getByLabel('Sales orders Inquire').selectOption('MY')
      await page.getByRole('button', { name: 'Save role' }).click()
      await page.getByText('Role “Partner jobs” saved.').waitFor()
      const roles = await asAdmin('{ securityRoles { nodes { name permissions { module operation level } } } }')
      const saved = roles.body.data.securityRoles.nodes.find((role: { name: string }) => role.name === 'Partner jobs')
      expect(saved.permissions).toEqual(
        expect.arrayContaining([{ module: 'JOBS', operation: 'INQUIRE', level: 'ALL' }, { module: 'SALES_ORDERS', operation: 'INQUIRE', level: 'MY' }]),
      )

      // Edit the member: a new name, no team. Then deactivate it: its remaining key stops.
      await page.getByRole('link', { name: 'API Members' }).click()
      await page.locator('tr[data-member="Webshop sync"]').getByRole('button', { name: 'Edit' }).click()
      const edit = page.getByRole('form', { name: 'Edit Webshop sync' })
      await edit.getByLabel('Name').fill('Webshop orders')
      await edit.getByLabel('Team').selectOption({ label: 'No team' })
      await edit.getByRole('button', { name: 'Save' }).click()
      const row = page.locator('tr[data-member="Webshop orders"]')
      await expect.poll(() => row.textContent()).toMatch(/Webshop orders.*Partner jobs—Active/)
      expect((await jobsWith(workingKey)).status).toBe(200)
      await row.getByRole('button', { name: 'Deactivate' }).click()
      await expect.poll(() => row.textContent()).toMatch(/Inactive/)
      await page.getByText('deactivated: its keys stop at once').waitFor()
      expect((await jobsWith(workingKey)).status).toBe(401)

      // Users: create one in a team, edit its role, deactivate it.
      await page.getByRole('link', { name: 'Users' }).click()
      const form = page.getByRole('form', { name: 'New user' })
      await form.getByLabel('Email').fill('ops@test.local')
      await form.getByLabel('Name').fill('Olga Ops')
      await form.getByLabel('First password').fill('another long passphrase')
      await form.getByLabel('Security role').selectOption({ label: 'Readers' })
      await form.getByLabel('Team').selectOption({ label: 'Integrations' })
      await page.getByRole('button', { name: 'Create user' }).click()
      const user = page.locator('tr[data-user="ops@test.local"]')
      await expect.poll(() => user.textContent()).toMatch(/Olga Ops.*Readers.*Integrations.*Active/)
      await user.getByRole('button', { name: 'Edit' }).click()
      await page.getByRole('form', { name: 'Edit ops@test.local' }).getByLabel('Security role').selectOption({ label: 'Partner jobs' })
      await page.getByRole('form', { name: 'Edit ops@test.local' }).getByRole('button', { name: 'Save' }).click()
      await expect.poll(() => user.textContent()).toMatch(/Partner jobs/)
      await user.getByRole('button', { name: 'Deactivate' }).click()
      await expect.poll(() => user.textContent()).toMatch(/Inactive/)
      // The password typed for the new user was sent once and kept nowhere.
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))
      expect(stored).not.toContain('another long passphrase')
    })
  })
})
