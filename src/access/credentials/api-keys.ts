import { createHmac, hash, randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { Logger } from 'pino'
import type { Config } from '../../config.js'
import type { DatabaseHandle } from '../../db/database.js'
import { base62Bits, checksumOf, constantTimeEqual, hasValidChecksum, randomBase62 } from './tokens.js'

/**
 * THE API key format, in one place.
 *
 *   key        = "gk_" + publicKey + privateKey          (57 characters)
 *   publicKey  = 16 random base62 characters              (~95 bits: an id, shown in listings forever)
 *   privateKey = secret + checksum                        (38 characters: what the Basic form's password takes)
 *   secret     = 32 random base62 characters              (~190 bits)
 *   checksum   = CRC32("gk_" + publicKey + secret) in base62, 6 characters
 *
 * The checksum sits at the end of the private key, so every header form (Bearer, X-API-Key and
 * Basic "slug+publicKey:privateKey") can be checked without a database lookup. Only
 * HMAC-SHA-256(pepper, publicKey "." secret) is stored; binding the public key into the hash means a
 * hash copied onto another key row verifies nothing.
 */

export const API_KEY_PREFIX = 'gk_'
export const PUBLIC_KEY_LENGTH = 16
export const SECRET_LENGTH = 32
export const PRIVATE_KEY_LENGTH = SECRET_LENGTH + 6
export const API_KEY_LENGTH = API_KEY_PREFIX.length + PUBLIC_KEY_LENGTH + PRIVATE_KEY_LENGTH

const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${PUBLIC_KEY_LENGTH + PRIVATE_KEY_LENGTH}}$`)
const PUBLIC_KEY_PATTERN = new RegExp(`^[0-9A-Za-z]{${PUBLIC_KEY_LENGTH}}$`)
const PRIVATE_KEY_PATTERN = new RegExp(`^[0-9A-Za-z]{${PRIVATE_KEY_LENGTH}}$`)

// The format promises at least 128 random bits in the private part; fail at load if edited below it.
if (base62Bits(SECRET_LENGTH) < 128) throw new Error('API key secrets must carry at least 128 random bits')

/** A freshly generated key: every form of it. Shown once, never stored. */
export interface GeneratedApiKey {
  publicKey: string
  /** The random part only; what gets hashed. */
  secret: string
  /** secret + checksum: the ConnectWise-style private key. */
  privateKey: string
  /** The one string for `Authorization: Bearer` and `X-API-Key`. */
  key: string
}

/** A key that passed its format and checksum checks (not yet checked against the database). */
export interface ParsedApiKey {
  publicKey: string
  secret: string
}

/** Generates a new key. */
export function generateApiKey(): GeneratedApiKey {
  const publicKey = randomBase62(PUBLIC_KEY_LENGTH)
  const secret = randomBase62(SECRET_LENGTH)
  const checksum = checksumOf(API_KEY_PREFIX + publicKey + secret)
  const privateKey = secret + checksum
  return { publicKey, secret, privateKey, key: API_KEY_PREFIX + publicKey + privateKey }
}

/** Parses a full key; null when its shape or checksum is wrong (no database needed to tell). */
export function parseApiKey(text: string): ParsedApiKey | null {
  if (text.length !== API_KEY_LENGTH || !KEY_PATTERN.test(text) || !hasValidChecksum(text)) return null
  const body = text.slice(API_KEY_PREFIX.length)
  return { publicKey: body.slice(0, PUBLIC_KEY_LENGTH), secret: body.slice(PUBLIC_KEY_LENGTH, PUBLIC_KEY_LENGTH + SECRET_LENGTH) }
}

/** Parses the Basic form's two halves (public key, private key); null when malformed. */
export function parseKeyPair(publicKey: string, privateKey: string): ParsedApiKey | null {
  if (!PUBLIC_KEY_PATTERN.test(publicKey) || !PRIVATE_KEY_PATTERN.test(privateKey)) return null
  return parseApiKey(API_KEY_PREFIX + publicKey + privateKey)
}

/** True when `text` looks like a public key (for lookups by public key). */
export const isPublicKey = (text: string) => PUBLIC_KEY_PATTERN.test(text)

/** The stored form of a key's secret: HMAC-SHA-256 with the server pepper, hex. */
export function hashApiKeySecret(pepper: Buffer, key: ParsedApiKey): string {
  return createHmac('sha256', pepper).update(`${key.publicKey}.${key.secret}`).digest('hex')
}

/** Checks a presented key against a stored hash in constant time. */
export function apiKeyMatches(pepper: Buffer, key: ParsedApiKey, storedHash: string): boolean {
  return constantTimeEqual(hashApiKeySecret(pepper, key), storedHash)
}

/**
 * apiKeyMatches for a stored hash checked again and again (the credential cache's; no hash, no
 * match): the SHA-256 of the secret that last matched is kept in `stored.verified` (a digest, never
 * the secret), and the same secret presented again is compared with it in constant time instead of
 * a new HMAC, which cost as much as the rest of a cached key's check. A wrong secret still costs
 * the HMAC.
 */
export function apiKeyMatchesRemembered(pepper: Buffer, key: ParsedApiKey, stored: { secretHash: string | null; verified: string | null }): boolean {
  if (stored.secretHash === null) return false
  // Hex: a digest as a Buffer costs Node more than the hashing does.
  const digest = hash('sha256', key.secret, 'hex')
  if (stored.verified !== null && constantTimeEqual(stored.verified, digest)) return true
  if (!apiKeyMatches(pepper, key, stored.secretHash)) return false
  stored.verified = digest
  return true
}

export class KeyPepperRequiredError extends Error {
  constructor() {
    super(
      'GATEHOUSE_KEY_PEPPER is required in production on PostgreSQL (at least 16 characters, e.g. `openssl rand -base64 32`). ' +
        'It must not live in the database whose key hashes it protects. Keep it stable: changing it invalidates every API key.',
    )
    this.name = 'KeyPepperRequiredError'
  }
}

/**
 * The server pepper mixed into every key hash, so a stolen copy of the api_keys table cannot be
 * used to test guesses. From GATEHOUSE_KEY_PEPPER when set. Otherwise (development, tests, the
 * embedded database) a random pepper is generated once and kept in `server_secrets`, so restarts
 * keep keys valid; that protects less (it sits beside the hashes), which is why production on
 * PostgreSQL refuses to start without the variable. A fingerprint of the pepper in use is kept
 * too, so a changed pepper (which silently breaks every existing key) is reported at start.
 */
export async function resolveKeyPepper(config: Config, database: DatabaseHandle, log?: Logger): Promise<Buffer> {
  let pepper: Buffer
  if (config.GATEHOUSE_KEY_PEPPER) {
    pepper = Buffer.from(config.GATEHOUSE_KEY_PEPPER, 'utf8')
  } else {
    if (config.NODE_ENV === 'production' && database.kind === 'postgres') throw new KeyPepperRequiredError()
    pepper = Buffer.from(await storedSecret(database, 'key_pepper', randomBytes(32).toString('base64')), 'base64')
  }
  // One-way and truncated: says whether the pepper changed, nothing about the pepper.
  const fingerprint = createHmac('sha256', pepper).update('gatehouse key pepper fingerprint').digest('hex').slice(0, 16)
  const known = await storedSecret(database, 'key_pepper_fingerprint', fingerprint)
  if (known !== fingerprint) {
    log?.error(
      'GATEHOUSE_KEY_PEPPER differs from the pepper existing API keys were hashed with: those keys are now refused. ' +
        'Restore the previous pepper, or regenerate the keys.',
    )
    await database.db.updateTable('server_secrets').set({ value: fingerprint }).where('name', '=', 'key_pepper_fingerprint').execute()
  }
  return pepper
}

/** A server secret, stored with `initial` if absent. Insert-then-read: instances starting together agree. */
async function storedSecret(database: DatabaseHandle, name: string, initial: string): Promise<string> {
  await sql`insert into server_secrets (name, value) values (${name}, ${initial}) on conflict (name) do nothing`.execute(database.db)
  const row = await database.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()
  return row.value
}
