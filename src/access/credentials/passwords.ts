import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Password hashing with scrypt (node:crypto). The stored string carries its parameters and salt —
 * `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>` — so the cost can be raised later without
 * breaking stored hashes. N=2^15, r=8, p=1 (32 MiB, ~0.13 s on a 2-core test machine): twice the
 * work of Node's and Django's defaults, yet a sign-in burst cannot starve a small server. It runs
 * on libuv's thread pool, never blocking the event loop.
 */

export const PASSWORD_MIN_LENGTH = 8
/** Long enough for any passphrase; bounded so a megabyte "password" cannot be used to burn CPU. */
export const PASSWORD_MAX_LENGTH = 200

const LOG_N = 15
const BLOCK_SIZE = 8
const PARALLELISM = 1
const KEY_LENGTH = 32
const SALT_LENGTH = 16

let derivations = 0

/** How many password hashes this process has computed: sign-in's equal work is shown by counting them. */
export const passwordHashesComputed = () => derivations

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  derivations++
  const N = 2 ** logN
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

/** Hashes a password with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const hash = await derive(password, salt, LOG_N, BLOCK_SIZE, PARALLELISM)
  return ['scrypt', LOG_N, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), hash.toString('base64')].join('$')
}

const STORED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

/** Checks a password against a stored hash in constant time; false for a malformed stored value. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored)
  if (!match) return false
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])]
  // Refuse absurd parameters from a tampered row rather than allocate gigabytes.
  if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false
  const expected = Buffer.from(match[5]!, 'base64')
  const actual = await derive(password, Buffer.from(match[4]!, 'base64'), logN, r, p)
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

let dummyHash: Promise<string> | undefined

/**
 * Verifies against the user's hash, or, when there is no such user, against a dummy hash at the
 * same cost, so a wrong email and a wrong password take the same time. Always false without a user.
 */
export async function verifyPasswordOrDummy(password: string, stored: string | null | undefined): Promise<boolean> {
  if (stored) return verifyPassword(password, stored)
  await verifyPassword(password, await prepareDummyPasswordHash())
  return false
}

/** Computes the dummy hash ahead of the first failed sign-in, so even that one takes the usual time. */
export function prepareDummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  return dummyHash
}
