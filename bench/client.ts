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

/**
 * Issues an API key for a new admin API member through Gatehouse's public mutations, as an admin
 * would: signIn, find the built-in Admin role, createApiMember, generateApiKeys. Returns the Primary key.
 */
export async function issueAdminApiKey(url: string, admin: { email: string; password: string }): Promise<string> {
  const signedIn = await postOk(url, {
    query: 'mutation($input: SignInInput!) { signIn(input: $input) { token } }',
    variables: { input: admin },
  })
  const session = { authorization: `Bearer ${signedIn.data.signIn.token as string}` }
  const roles = await postOk(url, { query: '{ securityRoles(first: 100) { nodes { id name builtin } } }' }, session)
  const adminRole = (roles.data.securityRoles.nodes as { id: string; builtin: boolean }[]).find((role) => role.builtin)
  if (!adminRole) throw new Error('no built-in Admin role in the bench business')
  const member = await postOk(
    url,
    {
      query: 'mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { id } }',
      variables: { i: { name: `Bench ${new Date().toISOString()}`, description: 'npm run bench load client', roleId: adminRole.id } },
    },
    session,
  )
  const keys = await postOk(
    url,
    {
      query: 'mutation($i: GenerateApiKeysInput!) { generateApiKeys(input: $i) { primary { key } } }',
      variables: { i: { memberId: member.data.createApiMember.id, description: 'npm run bench' } },
    },
    session,
  )
  await post(url, { query: 'mutation { signOut }' }, session)
  return keys.data.generateApiKeys.primary.key as string
}
