import type { Kysely } from 'kysely'
import type { Database } from '../../db/types.js'
import { PRINCIPAL_COLUMNS, type PrincipalRow } from '../common/principals.repository.js'
import type { Principal } from '../../access/principal.js'

/** Creates an API member (a service account) in the caller's business. */
export function insertMember(
  trx: Kysely<Database>,
  principal: Principal,
  member: { name: string; description: string; roleId: string; teamId: string | null },
): Promise<PrincipalRow> {
  return trx
    .insertInto('principals')
    .values({
      business_id: principal.businessId,
      kind: 'API_MEMBER',
      name: member.name,
      description: member.description,
      role_id: member.roleId,
      team_id: member.teamId,
    })
    .returning(PRINCIPAL_COLUMNS)
    .executeTakeFirstOrThrow()
}
