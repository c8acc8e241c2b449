import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { type Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2'

/**
 * Password hashing: argon2id at OWASP's recommended parameters (m = 19 MiB, t = 2, p = 1; ~15–40 ms
 * here, on a thread of its own, never blocking the event loop), through @node-rs/argon2. Hashes made
 * before it are scrypt (`scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`): still verified, and replaced by
 * argon2id at the user's next successful sign-in (`needsRehash`). Either stored form carries its
 * own parameters, so the cost can be raised later without breaking what is stored.
 */

export const PASSWORD_MIN_LENGTH = 8
/** Long enough for any passphrase; bounded so a megabyte "password" cannot be used to burn CPU. */
export const PASSWORD_MAX_LENGTH = 200

// `algorithm` is a const enum the package exports only as a type here (verbatim modules): 2 is Argon2id.
const ARGON2 = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const
const ARGON2_STORED = /^\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,2}),p=(\d{1,2})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/
const SCRYPT_STORED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/
const SCRYPT_KEY_LENGTH = 32

let derivations = 0

/** How many password hashes this process has computed: sign-in's equal work is shown by counting them. */
export const passwordHashesComputed = () => derivations

// Every character counts, but the same passphrase typed on two keyboards must match.
const normalized = (password: string) => password.normalize('NFKC')

/** Hashes a password with a fresh salt (argon2id). */
export async function hashPassword(password: string): Promise<string> {
  derivations++
  return argon2Hash(normalized(password), ARGON2)
}

/** Checks a password against a stored hash in constant time; false for a malformed or tampered stored value. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const argon2 = ARGON2_STORED.exec(stored)
  if (argon2) {
    const [memory, time, lanes] = [Number(argon2[1]), Number(argon2[2]), Number(argon2[3])]
    // Refuse absurd parameters from a tampered row rather than allocate gigabytes.
    if (memory < 1024 || memory > 262_144 || time < 1 || time > 10 || lanes < 1 || lanes > 4) return false
    derivations++
    // A stored value that only looks like a hash is a refusal, not a failed request.
    return argon2Verify(stored, normalized(password)).catch(() => false)
  }
  const legacy = SCRYPT_STORED.exec(stored)
  if (!legacy) return false
  const [logN, r, p] = [Number(legacy[1]), Number(legacy[2]), Number(legacy[3])]
  if (logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false
  derivations++
  const expected = Buffer.from(legacy[5]!, 'base64')
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(normalized(password), Buffer.from(legacy[4]!, 'base64'), SCRYPT_KEY_LENGTH, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** Whether a stored hash is of an older kind or cost than hashPassword makes now. */
export function needsRehash(stored: string): boolean {
  const argon2 = ARGON2_STORED.exec(stored)
  return !argon2 || Number(argon2[1]) !== ARGON2.memoryCost || Number(argon2[2]) !== ARGON2.timeCost || Number(argon2[3]) !== ARGON2.parallelism
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
