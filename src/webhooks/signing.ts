import { createHmac, randomBytes } from 'node:crypto'

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is `whsec_` + base64
 * of random bytes, and each delivery carries `webhook-id`, `webhook-timestamp` (seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body", keyed by the decoded secret>`;
 * while a rotated secret overlaps, one signature per secret, space-separated.
 */

export const SECRET_PREFIX = 'whsec_'

/** A new signing secret: 24 random bytes, as Svix makes them. */
export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(24).toString('base64')
}

export function sign(secret: string, messageId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64')
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`
}

/** The headers of one delivery, signed with every secret still valid (the newest first). */
export function signedHeaders(secrets: string[], messageId: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'Gatehouse-Webhooks/1',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, messageId, timestamp, body)).join(' '),
  }
}
