import type { Browser, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, validate } from 'graphql'
import { getSchema } from '../../src/schema.js'
import { GRAPHIQL_TABS, type GraphiQLTab, withGatehouseAdditions } from '../../src/server/graphiql-setup.js'
import { type TestServer, startTestServer } from '../setup/app.js'
import { ADMIN_EMAIL, ADMIN_PASSWORD } from '../setup/clients.js'
import { startInstance } from './server-helpers.js'
import { describeInBrowser, launchChromium, withScreenshot } from '../setup/browser.js'

/**
 * GraphiQL in headless Chromium: the example tabs, signing in from the first one, the token
 * reaching the others through the `<token>` placeholder, and nothing of it (password, token, tabs)
 * left in the browser's storage or shown again after a reload.
 */

let server: TestServer
let browser: Browser
let page: Page

const TABS = ['SignIn', 'Directory', 'CreateRole', 'JobsPage', 'Changes']

beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server?.close())

describeInBrowser('GraphiQL in a browser', () => {
  beforeAll(async () => {
    browser = await launchChromium()
    page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage()
    // A step that hangs fails (with its screenshot) before the test's own timeout.
    page.setDefaultTimeout(15_000)
  })
  afterAll(() => browser?.close())

  const open = async () => {
    await page.goto(`${server.url}/graphql`)
    await page.locator('.graphiql-tab').first().waitFor()
  }
  // GraphiQL's tabs can be dragged: a synthetic pointer click is taken for a drag, a DOM click is not.
  const openTab = (title: string) => page.locator(`.graphiql-tab-button[title="${title}"]`).dispatchEvent('click')
  const activeTab = () => page.locator('.graphiql-tab-active .graphiql-tab-button').getAttribute('title')
  /** Presses ▶ and returns the answer. Right after a tab switch GraphiQL may still hold the last tab's
   *  operation name for a moment ("Cannot infer operation …", sent nowhere): then it presses again. */
  const run = async (): Promise<Response> => {
    const answer = () =>
      page.waitForResponse(
        (response) => response.url().endsWith('/graphql') && response.request().method() === 'POST' && !response.request().postData()?.includes('__schema'),
      )
    const answered = answer()
    const stale = page.locator('.graphiql-response').getByText('Cannot infer operation').first().waitFor().then(() => null, () => null)
    await page.locator('.graphiql-execute-button').click()
    const first = await Promise.race([answered, stale])
    if (first) return first
    answered.catch(() => {})
    await page.waitForTimeout(500)
    const again = answer()
    await page.locator('.graphiql-execute-button').click()
    return again
  }
  const setVariables = async (json: string) => {
    await page.getByRole('button', { name: 'Variables' }).click()
    await page.locator('.graphiql-editor-tool .monaco-editor').first().click()
    await page.keyboard.press('ControlOrMeta+A')
    await page.keyboard.insertText(json)
    // The editor closed the brackets and quotes it saw typed: drop what follows the text.
    await page.keyboard.press('Shift+ControlOrMeta+End')
    await page.keyboard.press('Delete')
  }
  /** The real localStorage and sessionStorage of the origin, read from a page without GraphiQL. */
  const browserStorage = async () => {
    const other = await page.context().newPage()
    await other.goto(`${server.url}/health`)
    const stored = await other.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }))
    await other.close()
    return stored
  }

  it('opens on the example tabs with the note; tab 1 signs in and its token reaches the other tabs', async () => {
    await withScreenshot(page, 'graphiql-tabs', async () => {
      // What an older page left behind is removed on the first visit.
      await page.goto(`${server.url}/health`)
      await page.evaluate(() => localStorage.setItem('graphiql:headers', '{"Authorization":"Bearer old-token"}'))
      await open()
      expect(await page.locator('.graphiql-tab-button').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('title')))).toEqual(TABS)
      const note = await page.getByRole('note').first().textContent()
      expect(note).toMatch(/Kept: nothing in the browser's storage/)
      expect(note).toMatch(/NODE_ENV=production/)

      // The Directory tab before signing in: the placeholder is sent as it is, and refused.
      await openTab('Directory')
      expect(await activeTab()).toBe('Directory')
      expect((await run()).status()).toBe(401)

      await openTab('SignIn')
      await setVariables(JSON.stringify({ input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }))
      const signedIn = await run()
      const token = (await signedIn.json()).data.signIn.token as string
      expect(token).toBeTruthy()

      await openTab('Directory')
      const directory = await run()
      expect(directory.status()).toBe(200)
      expect(directory.request().headers().authorization).toBe(`Bearer ${token}`)
      expect((await directory.json()).data.securityRoles.nodes.map((role: { name: string }) => role.name)).toContain('Admin')

      // Nothing of it in the browser's storage: not the password, not the token, no GraphiQL state.
      const stored = await browserStorage()
      expect(stored).not.toContain(ADMIN_PASSWORD)
      expect(stored).not.toContain(token)
      expect(stored).not.toContain('graphiql:')
    })
  }, 60_000)

  it('forgets the password, the token and the tabs on a reload', async () => {
    await withScreenshot(page, 'graphiql-reload', async () => {
      await page.reload()
      await page.locator('.graphiql-tab').first().waitFor()
      expect(await page.locator('.graphiql-tab-button').evaluateAll((tabs) => tabs.map((tab) => tab.getAttribute('title')))).toEqual(TABS)
      expect(await page.locator('.graphiql-editors').textContent()).not.toContain(ADMIN_PASSWORD.split(' ')[0])
      await openTab('Directory')
      expect((await run()).status()).toBe(401)
    })
  })

  describe('under NODE_ENV=production', () => {
    // Another instance over the same database, as another process of the deployment would be.
    let production: Awaited<ReturnType<typeof startInstance>>
    beforeAll(async () => {
      production = await startInstance(server, { NODE_ENV: 'production' })
    })
    afterAll(() => production?.close())

    it('says "Error fetching schema" in Docs until the note’s steps are followed: sign in, a tab with the placeholder, re-fetch', async () => {
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage()
      page.setDefaultTimeout(15_000)
      await withScreenshot(page, 'graphiql-production-docs', async () => {
        await page.goto(`${production.url}/graphql`)
        await page.locator('.graphiql-tab').first().waitFor()
        expect(await page.getByRole('note').first().textContent()).toMatch(/This server runs with NODE_ENV=production/)
        await page.locator('[aria-label="Show Documentation Explorer"]').click()
        await page.locator('.graphiql-doc-explorer-error', { hasText: 'Error fetching schema' }).waitFor()

        await page.getByRole('button', { name: 'Variables' }).click()
        await page.locator('.graphiql-editor-tool .monaco-editor').first().click()
        await page.keyboard.press('ControlOrMeta+A')
        await page.keyboard.insertText(JSON.stringify({ input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }))
        await page.keyboard.press('Shift+ControlOrMeta+End')
        await page.keyboard.press('Delete')
        const signedIn = page.waitForResponse((response) => response.request().postData()?.includes('SignIn') ?? false)
        await page.locator('.graphiql-execute-button').click()
        expect((await (await signedIn).json()).data.signIn.token).toBeTruthy()

        await page.locator('.graphiql-tab-button[title="Directory"]').dispatchEvent('click')
        const introspected = page.waitForResponse((response) => response.request().postData()?.includes('__schema') ?? false)
        await page.locator('[aria-label^="Re-fetch GraphQL schema"]').click()
        expect((await introspected).status()).toBe(200)
        await page.getByText('Root Types').waitFor()
      })
    })
  })
})

describe('the example tabs, sent over HTTP as a newcomer would', () => {
  it('every tab is valid against the schema', () => {
    for (const tab of GRAPHIQL_TABS) expect(validate(getSchema(), parse(tab.query)).map((error) => error.message)).toEqual([])
  })

  it('signing in, issuing a key (tab 3) and reading a jobs page and a sync with it (tabs 4 and 5) answer without an error', async () => {
    const [signInTab, , issueTab, jobsTab, syncTab] = GRAPHIQL_TABS as [GraphiQLTab, GraphiQLTab, GraphiQLTab, GraphiQLTab, GraphiQLTab]
    const signedIn = await server.graphql(signInTab.query, { variables: { input: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } } })
    const admin = { authorization: `Bearer ${signedIn.body.data.signIn.token}` }
    const issue = JSON.parse(issueTab.variables!)
    const run = async (operationName: string, variables: Record<string, unknown>, headers: Record<string, string>, tab = issueTab) => {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: tab.query, operationName, variables }),
      })
      const body = await response.json()
      expect(body.errors).toBeUndefined()
      return body.data
    }
    const role = (await run('CreateRole', issue, admin)).createSecurityRole
    const member = (await run('CreateMember', { member: { ...issue.member, roleId: role.id } }, admin)).createApiMember
    const keys = (await run('GenerateKeys', { keys: { ...issue.keys, memberId: member.id } }, admin)).generateApiKeys
    const partner = { 'x-api-key': keys.primary.key }
    expect((await run('JobsPage', JSON.parse(jobsTab.variables!), partner, jobsTab)).jobs.totalCount).toBe(0)
    expect((await run('Changes', JSON.parse(syncTab.variables!), partner, syncTab)).jobs.nodes).toEqual([])
  })
})

describe('the GraphiQL note', () => {
  it('explains the production Docs behaviour under NODE_ENV=production', () => {
    const html = withGatehouseAdditions('<html><head></head><body id="body" class="x"><div id="root"></div></body></html>', { production: true })
    expect(html).toMatch(/<body id="body" class="with-note x">\n<aside id="gatehouse-note"/)
    expect(html).toMatch(/This server runs with NODE_ENV=production.*Error fetching schema.*Re-fetch GraphQL schema/s)
  })
})
