import { type PermissionMatrix, uniformMatrix } from '../../src/access/permissions.js'
import { encodeGlobalId } from '../../src/graphql/global-id.js'
import type { TestServer } from './app.js'

/**
 * Callers for tests over HTTP: sign in as the bootstrap admin, make API members with keys, and
 * build the three credential header forms. Members and roles are written with SQL (quick and
 * independent of the admin mutations); keys always come from `generateApiKeys`, the real path.
 */

/** The bootstrap admin every test server starts with (test/setup/app.ts). */
export const ADMIN_EMAIL = 'admin@test.local'
export const ADMIN_PASSWORD = 'correct horse battery staple'

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
export const xApiKey = (key: string) => ({ 'x-api-key': key })
/** ConnectWise-style: Basic base64("<business slug>+<publicKey>:<privateKey>"). */
export const basic = (slug: string, publicKey: string, privateKey: string) => ({
  authorization: `Basic ${Buffer.from(`${slug}+${publicKey}:${privateKey}`).toString('base64')}`,
})

export interface SignedIn {
  token: string
  headers: { authorization: string }
  userId: string
  businessId: string
  businessSlug: string
}

/** Signs in over HTTP; throws with the server's answer when refused. */
export async function signIn(server: TestServer, email: string, password: string): Promise<SignedIn> {
  const { body } = await server.graphql(
    'mutation($input: SignInInput!) { signIn(input: $input) { token user { id } } }',
    { variables: { input: { email, password } } },
  )
  const token = body.data?.signIn?.token as string | undefined
  if (!token) throw new Error(`signIn refused: ${JSON.stringify(body.errors)}`)
  const user = await server.app.services.database.db
    .selectFrom('principals as p')
    .innerJoin('businesses as b', 'b.id', 'p.business_id')
    .select(['p.id', 'p.business_id', 'b.slug'])
    .where('p.email', '=', email.toLowerCase())
    .executeTakeFirstOrThrow()
  return { token, headers: bearer(token), userId: user.id, businessId: user.business_id, businessSlug: user.slug }
}

/** Signs in as the bootstrap admin. */
export const signInAsAdmin = (server: TestServer) => signIn(server, ADMIN_EMAIL, ADMIN_PASSWORD)

/** Adds a security role with the given matrix (default: INQUIRE ALL on every module, nothing else). */
export async function createRoleSql(
  server: TestServer,
  businessId: string,
  permissions: PermissionMatrix = readOnlyMatrix(),
  name = `Role ${Math.random().toString(36).slice(2, 8)}`,
): Promise<string> {
  const row = await server.app.services.database.db
    .insertInto('security_roles')
    .values({ business_id: businessId, name, permissions: JSON.stringify(permissions) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** INQUIRE ALL everywhere, nothing else. */
export function readOnlyMatrix(): PermissionMatrix {
  const matrix = uniformMatrix('NONE')
  for (const module of Object.keys(matrix) as Array<keyof PermissionMatrix>) matrix[module].INQUIRE = 'ALL'
  return matrix
}

export interface IssuedKey {
  publicKey: string
  key: string
  privateKey: string
}

export interface MemberWithKeys {
  /** Database id of the member (principals.id). */
  id: string
  /** Its global id (type ApiMember). */
  globalId: string
  roleId: string
  primary: IssuedKey
  secondary: IssuedKey
}

/**
 * Creates an API member (SQL) in the admin's business and issues its key pair through
 * generateApiKeys over HTTP. `roleId` defaults to a new read-only role.
 */
export async function createMemberWithKeys(
  server: TestServer,
  admin: SignedIn,
  options: { roleId?: string; teamId?: string | null; name?: string; expiresAt?: string } = {},
): Promise<MemberWithKeys> {
  const roleId = options.roleId ?? (await createRoleSql(server, admin.businessId))
  const member = await server.app.services.database.db
    .insertInto('principals')
    .values({
      business_id: admin.businessId,
      kind: 'API_MEMBER',
      name: options.name ?? `Partner ${Math.random().toString(36).slice(2, 8)}`,
      role_id: roleId,
      team_id: options.teamId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const globalId = encodeGlobalId('ApiMember', member.id)
  const keys = await generateKeys(server, admin, { memberId: globalId, description: 'test keys', expiresAt: options.expiresAt })
  return { id: member.id, globalId, roleId, ...keys }
}

/** Calls generateApiKeys; throws with the server's answer when refused. */
export async function generateKeys(
  server: TestServer,
  admin: SignedIn,
  input: { memberId?: string; userId?: string; description: string; expiresAt?: string },
): Promise<{ primary: IssuedKey; secondary: IssuedKey }> {
  const { body } = await server.graphql(
    `mutation($input: GenerateApiKeysInput!) { generateApiKeys(input: $input) {
       primary { publicKey key privateKey } secondary { publicKey key privateKey } } }`,
    { variables: { input }, headers: admin.headers },
  )
  const result = body.data?.generateApiKeys
  if (!result) throw new Error(`generateApiKeys refused: ${JSON.stringify(body.errors)}`)
  return result
}

/** `{ viewer { caller { name } } }` with the given headers: the cheapest authenticated probe. */
export function whoAmI(server: TestServer, headers: Record<string, string>) {
  return server.graphql('{ viewer { caller { id name kind } credential { kind publicKey } } }', { headers })
}
