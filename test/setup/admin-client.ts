import { sql } from 'kysely'
import { expect } from 'vitest'
import { decodeGlobalId, encodeGlobalId } from '../../src/graphql/global-id.js'
import type { TestServer } from './app.js'
import { type SignedIn, generateKeys, signIn } from './clients.js'

/**
 * A small client for the admin-management tests over real HTTP, on top of clients.ts: calls as a
 * credential (session token or API key), asserts success or one contract error code, and counts
 * rows so a refused mutation can be shown to have written nothing.
 */

export type GraphQLResult = Awaited<ReturnType<TestServer['graphql']>>

/** The data of a result that must have succeeded. */
export function ok(result: GraphQLResult) {
  expect(result.body.errors, JSON.stringify(result.body.errors)).toBeUndefined()
  return result.body.data
}

/** The one error of a result that must have failed with this code. */
export function fails(result: GraphQLResult, code: string) {
  expect(result.body.errors?.map((error) => error.extensions?.code), JSON.stringify(result.body)).toEqual([code])
  return result.body.errors![0]!
}

export const encodeId = encodeGlobalId
export const decodeId = (globalId: string) => decodeGlobalId(globalId).id

/** Binds the helpers to one running test server. */
export function adminClient(server: TestServer) {
  /** Runs an operation with a Bearer credential (session token or API key), or none. */
  const as = (credential: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    server.graphql(query, { variables, headers: { ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers } })

  return {
    as,
    db: () => server.app.services.database.db,
    /** Signs in; returns the session token. */
    async signIn(email: string, password: string): Promise<string> {
      return (await signIn(server, email, password)).token
    },
    /** Generates the key pair of a member or user (by global id); returns the Primary key. */
    async generateKeys(admin: SignedIn, owner: { memberId: string } | { userId: string }): Promise<string> {
      return (await generateKeys(server, admin, { ...owner, description: 'admin test' })).primary.key
    },
    /** Row counts of every table an admin mutation writes. */
    async counts() {
      const result = await sql<Record<string, number>>`
        select (select count(*)::int from teams) as teams, (select count(*)::int from security_roles) as roles,
               (select count(*)::int from principals) as principals, (select count(*)::int from audit_events) as audit,
               (select count(*)::int from sessions where revoked_at is null) as sessions,
               (select string_agg(concat_ws('|', id, name, description, role_id, team_id, active, password_hash), ',' order by id)
                  from principals) as principal_rows`.execute(server.app.services.database.db)
      return result.rows[0]
    },
  }
}

export const TEAM = `mutation($i: CreateTeamInput!) { createTeam(input: $i) { id name } }`
export const ROLE_FIELDS = `id name builtin memberCount permissions { module operation level }`
export const CREATE_ROLE = `mutation($i: CreateSecurityRoleInput!) { createSecurityRole(input: $i) { ${ROLE_FIELDS} } }`
export const UPDATE_ROLE = `mutation($i: UpdateSecurityRoleInput!) { updateSecurityRole(input: $i) { ${ROLE_FIELDS} } }`
export const DELETE_ROLE = `mutation($i: DeleteSecurityRoleInput!) { deleteSecurityRole(input: $i) { id name } }`
export const MEMBER_FIELDS = `id name description active role { id name } team { id name } createdAt updatedAt`
export const CREATE_MEMBER = `mutation($i: CreateApiMemberInput!) { createApiMember(input: $i) { ${MEMBER_FIELDS} } }`
export const UPDATE_MEMBER = `mutation($i: UpdateApiMemberInput!) { updateApiMember(input: $i) { ${MEMBER_FIELDS} } }`
export const USER_FIELDS = `id email name active role { id name } team { id name }`
export const CREATE_USER = `mutation($i: CreateUserInput!) { createUser(input: $i) { ${USER_FIELDS} } }`
export const UPDATE_USER = `mutation($i: UpdateUserInput!) { updateUser(input: $i) { ${USER_FIELDS} } }`
export const CHANGE_PASSWORD = `mutation($i: ChangePasswordInput!) { changePassword(input: $i) { id email } }`
export const AUDIT = `query($first: Int, $after: String, $last: Int, $before: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount
    nodes { id occurredAt action actor { id name } credential targetType targetId requestId clientAddress details }
    pageInfo { hasNextPage hasPreviousPage endCursor startCursor }
  }
}`
