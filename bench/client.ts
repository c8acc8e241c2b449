import type { GraphQLRequest } from './queries.js'

/** A GraphQL answer as text (what load windows compare against) and parsed. */
export interface Answer {
  status: number
  text: string
  data: any
  errors: unknown[] | undefined
}

/** POSTs one GraphQL request; no retries, no redirects. */
export async function post(url: string, request: GraphQLRequest, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(30_000),
  })
  const text = await response.text()
  let parsed: { data?: unknown; errors?: unknown[] } = {}
  try {
    parsed = JSON.parse(text)
  } catch {
    // left empty: the caller reports status and text
  }
  return { status: response.status, text, data: parsed.data, errors: parsed.errors }
}

/** POSTs and throws unless the answer is a 200 without errors. */
export async function postOk(url: string, request: GraphQLRequest, headers: Record<string, string> = {}): Promise<Answer> {
  const answer = await post(url, request, headers)
  if (answer.status !== 200 || answer.errors || answer.data == null) {
    throw new Error(`${url} answered ${answer.status}: ${answer.text.slice(0, 500)}`)
  }
  return answer
}

/** The bench's two callers: an API member with the built-in Admin role, and one whose role reads MY records only. */
export interface BenchKeys {
  admin: string
  /**
   * INQUIRE at level MY on every module, in a team that every user of the business (every owner of
   * the bench data) was put in: it sees the admin's answers, through the owner predicates.
   */
  myTeam: string
}

const MODULES = ['CONTACTS', 'JOBS', 'PURCHASE_ORDERS', 'SALES_ORDERS']

/**
 * Issues the bench's API keys through Gatehouse's public mutations, as an admin would: signIn,
 * the built-in Admin role, a MY role and a team of every user, createApiMember, generateApiKeys.
 */
export async function issueBenchKeys(url: string, admin: { email: string; password: string }): Promise<BenchKeys> {
  const signedIn = await postOk(url, {
    query: 'mutation($input: SignInInput!) { signIn(input: $input) { token } }',
    variables: { input: admin },
  })
  const session = { authorization: `Bearer ${signedIn.data.signIn.token as string}` }
  const run = (query: string, variables?: Record<string, unknown>) => postOk(url, { query, variables }, session)
  const roles = await run('{ securityRoles(first: 100) { nodes { id name builtin } } }')
  const adminRole = (roles.data.securityRoles.nodes as { id: string; builtin: boolean }[]).find((role) => role.builtin)
  if (!adminRole) throw new Error('no built-in Admin role in the bench business')
  const stamp = new Date().toISOString()
  const myRole = await run('mutation($i: CreateSecurityRoleInput!) { createSecurityRole(input: $i) { id } }', {
    i: { name: `Bench MY ${stamp}`, permissions: MODULES.map((module) => ({ module, operation: 'INQUIRE', level: 'MY' })) },
  })
  const team = await run('mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }', { i: { name: `Bench team ${stamp}` } })
  const teamId = team.data.createTeam.id as string
  const users = await run('{ users(first: 100) { nodes { id } } }')
  for (const user of users.data.users.nodes as { id: string }[]) {
    await run('mutation($i: UpdateUserInput!) { updateUser(input: $i) { id } }', { i: { id: user.id, teamId } })
  }
  const keyFor = async (label: string, roleId: string, teamId?: string) => {
    const member = await run('mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }', {
      i: { name: `Bench ${label} ${stamp}`, description: 'npm run bench load client', roleId, ...(teamId ? { teamId } : {}) },
    })
    const keys = await run('mutation($i: GenerateApiKeysInput!) { generateApiKeys(input: $i) { primary { key } } }', {
      i: { memberId: member.data.createApiMember.id, description: 'npm run bench' },
    })
    return keys.data.generateApiKeys.primary.key as string
  }
  const keys = { admin: await keyFor('admin', adminRole.id), myTeam: await keyFor('MY team', myRole.data.createSecurityRole.id, teamId) }
  await post(url, { query: 'mutation { signOut }' }, session)
  return keys
}
