import { randomBytes, timingSafeEqual } from 'node:crypto'
import { crc32 } from 'node:zlib'

/**
 * The building blocks shared by API keys and session tokens: random base62 text and a CRC32
 * checksum (as GitHub's tokens carry), so a secret scanner can recognise a leaked credential and
 * the server can refuse a mistyped one before it touches the database.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
/** CRC32 in base62 always fits six characters (62^6 > 2^32). */
export const CHECKSUM_LENGTH = 6

/** `length` uniformly random base62 characters (rejection sampling: no modulo bias). */
export function randomBase62(length: number): string {
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes at or above it would favour the first characters.
      if (byte < 248) out += BASE62[byte % 62]
      if (out.length === length) break
    }
  }
  return out
}

/** Bits of entropy in `length` random base62 characters. */
export const base62Bits = (length: number) => length * Math.log2(62)

/** The checksum of a credential body: CRC32 of its bytes in base62, left-padded to six characters. */
export function checksumOf(body: string): string {
  let value = crc32(body)
  let out = ''
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[value % 62] + out
    value = Math.floor(value / 62)
  }
  return out
}

/** True when `text` is `body + checksumOf(body)`. */
export function hasValidChecksum(text: string): boolean {
  if (text.length <= CHECKSUM_LENGTH) return false
  const body = text.slice(0, -CHECKSUM_LENGTH)
  return constantTimeEqual(text.slice(-CHECKSUM_LENGTH), checksumOf(body))
}

/** Compares two strings without leaking, through timing, where they first differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
