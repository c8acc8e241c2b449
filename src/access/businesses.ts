import type { Kysely } from 'kysely'
import type { Database } from '../db/types.js'
import { ADMIN_PERMISSIONS, ADMIN_ROLE_NAME } from './permissions.js'

/** Derives a business slug from its name: lowercase ASCII words joined by dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return slug || 'business'
}

export interface CreatedBusiness {
  id: string
  slug: string
  adminRoleId: string
}

/**
 * Creates a business with its built-in Admin role. Call inside a transaction when more rows must
 * appear with it (its first admin, say). A slug already taken gets a numeric suffix.
 */
export async function createBusiness(
  db: Kysely<Database>,
  input: { name: string; slug?: string },
): Promise<CreatedBusiness> {
  const base = input.slug ?? slugify(input.name)
  const taken = new Set(
    (
      await db
        .selectFrom('businesses')
        .select('slug')
        .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
        .execute()
    ).map((row) => row.slug),
  )
  let slug = base
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`

  const business = await db
    .insertInto('businesses')
    .values({ name: input.name, slug })
    .returning(['id', 'slug'])
    .executeTakeFirstOrThrow()
  const role = await db
    .insertInto('security_roles')
    .values({
      business_id: business.id,
      name: ADMIN_ROLE_NAME,
      is_builtin: true,
      permissions: JSON.stringify(ADMIN_PERMISSIONS),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: business.id, slug: business.slug, adminRoleId: role.id }
}
