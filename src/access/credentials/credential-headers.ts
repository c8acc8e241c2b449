import { CredentialRefusedError } from './refused.js'
import { type ParsedApiKey, parseApiKey, parseKeyPair } from './api-keys.js'
import { SESSION_TOKEN_PREFIX, isWellFormedSessionToken } from './sessions.js'

/**
 * Reads the credential a request presents, in the contract's three forms:
 *   Authorization: Bearer <API key or session token>
 *   X-API-Key: <API key>
 *   Authorization: Basic base64("<business slug>+<publicKey>:<privateKey>")
 * Pure: no database. Anything malformed — wrong scheme, bad base64, bad checksum, oversized — is
 * refused here with the one UNAUTHENTICATED error.
 */

export type PresentedCredential =
  | { kind: 'api_key'; key: ParsedApiKey; /** From the Basic form: must be the key's business. */ businessSlug: string | null }
  | { kind: 'session'; token: string }

/** Longer than any credential we issue, with room for a Basic header's slug. */
export const MAX_CREDENTIAL_HEADER_LENGTH = 400

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/
const SLUG = /^[a-z0-9][a-z0-9-]*$/

/** The request's credential, or null when it sends none (blank headers count as none). */
export function readPresentedCredential(headers: Pick<Headers, 'get'>): PresentedCredential | null {
  const authorization = headers.get('authorization')?.trim()
  const apiKey = headers.get('x-api-key')?.trim()
  // Two credentials: which one acts would be a guess, and a silent one is how requests end up
  // running as the wrong caller.
  if (authorization && apiKey) throw new CredentialRefusedError(TWO_CREDENTIALS_MESSAGE)
  if (authorization) return fromAuthorization(authorization)
  if (apiKey) return { kind: 'api_key', key: parseKey(apiKey), businessSlug: null }
  return null
}

export const TWO_CREDENTIALS_MESSAGE = 'Send one credential: either an Authorization header or X-API-Key, not both.'

function fromAuthorization(value: string): PresentedCredential {
  if (value.length > MAX_CREDENTIAL_HEADER_LENGTH) throw new CredentialRefusedError()
  const match = /^(\S+) +(\S+)$/.exec(value)
  if (!match) throw new CredentialRefusedError()
  const scheme = match[1]!.toLowerCase()
  const credential = match[2]!
  if (scheme === 'bearer') {
    if (credential.startsWith(SESSION_TOKEN_PREFIX)) {
      if (!isWellFormedSessionToken(credential)) throw new CredentialRefusedError()
      return { kind: 'session', token: credential }
    }
    return { kind: 'api_key', key: parseKey(credential), businessSlug: null }
  }
  if (scheme === 'basic') return fromBasic(credential)
  throw new CredentialRefusedError()
}

function parseKey(text: string): ParsedApiKey {
  const key = text.length <= MAX_CREDENTIAL_HEADER_LENGTH ? parseApiKey(text) : null
  if (!key) throw new CredentialRefusedError()
  return key
}

function fromBasic(encoded: string): PresentedCredential {
  if (!BASE64.test(encoded)) throw new CredentialRefusedError()
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const user = colon > 0 ? decoded.slice(0, colon) : ''
  const plus = user.lastIndexOf('+')
  const slug = user.slice(0, plus).toLowerCase()
  const key = plus > 0 && SLUG.test(slug) ? parseKeyPair(user.slice(plus + 1), decoded.slice(colon + 1)) : null
  if (!key) throw new CredentialRefusedError()
  return { kind: 'api_key', key, businessSlug: slug }
}
