import { notFound } from './errors.js'

/**
 * Global ids are opaque to clients: base64url of "Type:id". They name the type so `node(id)` can
 * find the record, and say nothing about the business (that comes from the credential).
 */
export function encodeGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`).toString('base64url')
}

const MAX_BIGINT = 9_223_372_036_854_775_807n

/**
 * A database id (bigint identity) as text: digits, no sign, no leading zero, within int8. What
 * is not one never reaches SQL, where it would fail as an out-of-range cast.
 */
export function isDatabaseId(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9]\d{0,18}$/.test(value) && BigInt(value) <= MAX_BIGINT
}

/** Decodes a global id; anything malformed decodes to an impossible type and so is not found. */
export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = /^[A-Za-z0-9_-]{1,100}={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : ''
  const match = /^([A-Za-z]+):(\d+)$/.exec(text)
  return match && isDatabaseId(match[2]) ? { typename: match[1]!, id: match[2]! } : { typename: '', id: '0' }
}

/**
 * The database id inside a global id of the expected type. A malformed id, an id of another type
 * and (later, by the query) an id of another business are all the same NOT_FOUND naming the field.
 */
export function idOfType(globalId: string, typename: string, field: string): string {
  const decoded = decodeGlobalId(globalId)
  if (decoded.typename !== typename) throw notFound(typename, field)
  return decoded.id
}
