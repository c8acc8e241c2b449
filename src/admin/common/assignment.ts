import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { notFound } from '../../graphql/errors.js'
import { idOfType } from '../../graphql/global-id.js'
import type { Principal } from '../../access/principal.js'
import { type RoleRow, findRole } from '../roles/roles.repository.js'
import { findTeam } from '../teams/teams.repository.js'

export interface Assignment {
  /** The role to assign, when the input names one. */
  role?: RoleRow
  /** The team to assign: an id, null to remove it, undefined to leave it. */
  teamId?: string | null
}

/**
 * Checks the role and team an input assigns to a user or API member: both must belong to the
 * caller's business (else NOT_FOUND, naming the field). They are locked `for share` until commit,
 * so a concurrent delete of the role waits for us and then sees its new holder.
 */
export async function resolveAssignment(
  trx: Kysely<Database>,
  principal: Principal,
  input: { roleId?: string | null; teamId?: string | null },
): Promise<Assignment> {
  const assignment: Assignment = {}
  if (input.roleId != null) {
    const role = await findRole(trx, principal, idOfType(input.roleId, 'SecurityRole', 'input.roleId'), 'share')
    if (!role) throw notFound('SecurityRole', 'input.roleId')
    assignment.role = role
  }
  if (input.teamId === null) assignment.teamId = null
  else if (input.teamId !== undefined) {
    const team = await findTeam(trx, principal, idOfType(input.teamId, 'Team', 'input.teamId'))
    if (!team) throw notFound('Team', 'input.teamId')
    assignment.teamId = team.id
  }
  return assignment
}
