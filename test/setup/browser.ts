import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type Page, chromium } from 'playwright-core'
import { describe, it } from 'vitest'

/**
 * Real-browser tests: headless Chromium (Debian's `chromium` package) driven by playwright-core.
 * Where Chromium is missing they skip with one line saying how to install it, unless
 * GATEHOUSE_REQUIRE_BROWSER=1 (set by .ci/run), which makes a missing browser a failure.
 * GATEHOUSE_CHROMIUM names another executable (and only that one is tried).
 */
const CANDIDATES = process.env.GATEHOUSE_CHROMIUM ? [process.env.GATEHOUSE_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']
export const chromiumPath = CANDIDATES.find((path) => existsSync(path)) ?? null
const required = process.env.GATEHOUSE_REQUIRE_BROWSER === '1'
const HOW = 'install Chromium with `apt-get update && apt-get install -y chromium` (or set GATEHOUSE_CHROMIUM to its path)'

/** `describe` when Chromium is here; otherwise one skipped test with the reason, or one failing test under GATEHOUSE_REQUIRE_BROWSER=1. */
export function describeInBrowser(name: string, body: () => void) {
  if (chromiumPath) return describe(name, body)
  if (required) {
    return describe(name, () =>
      it('needs Chromium (GATEHOUSE_REQUIRE_BROWSER=1)', () => {
        throw new Error(`Chromium not found at ${CANDIDATES.join(', ')}: ${HOW}.`)
      }),
    )
  }
  console.warn(`Browser tests skipped (${name}): Chromium not found; ${HOW}.`)
  return describe.skip(name, body)
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath!, args: ['--no-sandbox'] })
}

/** Screenshots of failed browser tests go here (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url))

/** Runs `body`; when it throws, saves a full-page screenshot named after the test and rethrows. */
export async function withScreenshot(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true })
    const path = join(SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.png`)
    await page.screenshot({ path, fullPage: true }).catch(() => {})
    if (error instanceof Error) error.message += `\n(screenshot: ${path})`
    throw error
  }
}
