import { z } from 'zod'

/**
 * Input rules shared by the admin mutations, written once so field descriptions and validation
 * agree. Strings are trimmed before their length is checked: "  " is not a name.
 */
export const NAME_MAX = 100
export const DESCRIPTION_MAX = 500
export const EMAIL_MAX = 254

export const nameSchema = z.string().trim().min(1, 'Must not be empty.').max(NAME_MAX, `At most ${NAME_MAX} characters.`)
export const descriptionSchema = z.string().trim().max(DESCRIPTION_MAX, `At most ${DESCRIPTION_MAX} characters.`)
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(EMAIL_MAX, `At most ${EMAIL_MAX} characters.`)
  .pipe(z.email('Must be an email address.'))

/** Postgres unique_violation: another row took the name or email between our check and our insert. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}
