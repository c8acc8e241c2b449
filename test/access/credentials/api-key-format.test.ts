import { describe, expect, test } from 'vitest'
import {
  API_KEY_LENGTH,
  apiKeyMatches,
  generateApiKey,
  hashApiKeySecret,
  parseApiKey,
  parseKeyPair,
} from '../../../src/access/credentials/api-keys.js'
import { readPresentedCredential } from '../../../src/access/credentials/credential-headers.js'
import { CredentialRefusedError } from '../../../src/access/credentials/refused.js'
import { generateSessionToken, isWellFormedSessionToken } from '../../../src/access/credentials/sessions.js'
import { base62Bits, checksumOf, randomBase62 } from '../../../src/access/credentials/tokens.js'

const pepper = Buffer.from('unit-test-pepper-0123456789')

/** Every single-character change of a string: what a typo does. */
function* typos(text: string, from: number) {
  const alphabet = 'aZ9'
  for (let i = from; i < text.length; i++) {
    for (const c of alphabet) if (c !== text[i]) yield text.slice(0, i) + c + text.slice(i + 1)
  }
}

describe('API key format', () => {
  test('gk_ + 16-character public key + 38-character private key, ≥128 random bits', () => {
    const key = generateApiKey()
    expect(key.key).toBe(`gk_${key.publicKey}${key.privateKey}`)
    expect(key.key).toHaveLength(API_KEY_LENGTH)
    expect(key.publicKey).toMatch(/^[0-9A-Za-z]{16}$/)
    expect(key.privateKey).toMatch(/^[0-9A-Za-z]{38}$/)
    expect(key.privateKey.startsWith(key.secret)).toBe(true)
    expect(base62Bits(key.secret.length)).toBeGreaterThanOrEqual(128)
  })

  test('keys are unique and their characters uniform enough', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey())
    expect(new Set(keys.map((k) => k.key)).size).toBe(keys.length)
    const counts = new Map<string, number>()
    for (const c of keys.map((k) => k.secret).join('')) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(62)
    const expected = (2000 * 32) / 62
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.2)
  })

  test('parses back what it generates, in both forms', () => {
    const key = generateApiKey()
    expect(parseApiKey(key.key)).toEqual({ publicKey: key.publicKey, secret: key.secret })
    expect(parseKeyPair(key.publicKey, key.privateKey)).toEqual({ publicKey: key.publicKey, secret: key.secret })
  })

  test('every one-character typo fails the checksum', () => {
    const key = generateApiKey()
    let tried = 0
    for (const typo of typos(key.key, 3)) {
      expect(parseApiKey(typo), typo).toBeNull()
      tried++
    }
    expect(tried).toBeGreaterThan(100)
  })

  test('refuses wrong prefixes, lengths and characters', () => {
    const { key } = generateApiKey()
    for (const bad of ['', 'gk_', key.slice(1), `x${key.slice(1)}`, `${key}A`, key.slice(0, -1), key.replace(/.$/, '-'), ` ${key}`, key.toUpperCase()]) {
      expect(parseApiKey(bad), bad).toBeNull()
    }
    const pair = generateApiKey()
    expect(parseKeyPair(pair.publicKey, pair.secret)).toBeNull()
    expect(parseKeyPair(`${pair.publicKey}x`, pair.privateKey)).toBeNull()
    expect(parseKeyPair(generateApiKey().publicKey, pair.privateKey)).toBeNull()
  })

  test('the checksum is CRC32 in six base62 characters', () => {
    expect(checksumOf('gk_')).toMatch(/^[0-9A-Za-z]{6}$/)
    // CRC32("") is 0.
    expect(checksumOf('')).toBe('000000')
    expect(randomBase62(50)).toMatch(/^[0-9A-Za-z]{50}$/)
  })

  test('the stored hash depends on the pepper and binds the public key', () => {
    const key = generateApiKey()
    const hash = hashApiKeySecret(pepper, key)
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).not.toContain(key.secret)
    expect(apiKeyMatches(pepper, key, hash)).toBe(true)
    expect(apiKeyMatches(Buffer.from('another-pepper-0123456789'), key, hash)).toBe(false)
    expect(apiKeyMatches(pepper, { ...key, publicKey: generateApiKey().publicKey }, hash)).toBe(false)
    expect(apiKeyMatches(pepper, { ...key, secret: generateApiKey().secret }, hash)).toBe(false)
    expect(apiKeyMatches(pepper, key, hash.slice(0, 10))).toBe(false)
  })
})

describe('session token format', () => {
  test('gs_ + random + checksum; typos refused', () => {
    const token = generateSessionToken()
    expect(token).toMatch(/^gs_[0-9A-Za-z]{49}$/)
    expect(isWellFormedSessionToken(token)).toBe(true)
    for (const typo of typos(token, 3)) expect(isWellFormedSessionToken(typo)).toBe(false)
  })
})

describe('credential headers', () => {
  const headers = (init: Record<string, string>) => new Headers(init)
  const key = generateApiKey()

  test('reads the three forms, and nothing from blank or absent headers', () => {
    const parsed = { publicKey: key.publicKey, secret: key.secret }
    expect(readPresentedCredential(headers({ authorization: `Bearer ${key.key}` }))).toEqual({ kind: 'api_key', key: parsed, businessSlug: null })
    expect(readPresentedCredential(headers({ 'x-api-key': key.key }))).toEqual({ kind: 'api_key', key: parsed, businessSlug: null })
    const basic = Buffer.from(`demo-2+${key.publicKey}:${key.privateKey}`).toString('base64')
    expect(readPresentedCredential(headers({ authorization: `Basic ${basic}` }))).toEqual({ kind: 'api_key', key: parsed, businessSlug: 'demo-2' })
    const token = generateSessionToken()
    expect(readPresentedCredential(headers({ authorization: `bearer ${token}` }))).toEqual({ kind: 'session', token })
    expect(readPresentedCredential(headers({}))).toBeNull()
    expect(readPresentedCredential(headers({ authorization: '  ', 'x-api-key': '' }))).toBeNull()
  })

  test('anything malformed throws UNAUTHENTICATED', () => {
    const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
    const bad: Array<Record<string, string>> = [
      { authorization: key.key },
      { authorization: `Token ${key.key}` },
      { authorization: `Bearer ${key.key} extra` },
      // The last character changed (to one it is not already: the key is random).
      { authorization: `Bearer ${key.key.slice(0, -1)}${key.key.endsWith('x') ? 'y' : 'x'}` },
      { authorization: `Bearer ${'A'.repeat(5000)}` },
      { authorization: `Bearer gs_${'A'.repeat(49)}` },
      { 'x-api-key': generateSessionToken() },
      { 'x-api-key': `${key.key}, ${key.key}` },
      { authorization: 'Basic !!!' },
      { authorization: basic(`${key.publicKey}:${key.privateKey}`) },
      { authorization: basic(`demo+${key.publicKey}`) },
      { authorization: basic(`Demo Corp+${key.publicKey}:${key.privateKey}`) },
      { authorization: basic(`demo+${key.publicKey}:${key.secret}`) },
      { authorization: basic(`demo+${key.publicKey}:${key.privateKey.slice(0, -1)}${key.privateKey.endsWith('0') ? '1' : '0'}`) },
    ]
    for (const init of bad) {
      expect(() => readPresentedCredential(headers(init)), JSON.stringify(init).slice(0, 80)).toThrow(CredentialRefusedError)
    }
  })
})
