import type { Kysely } from 'kysely'
import type { Database, Row } from '../../db/types.js'
import type { ConnectionArgs } from '../../records/read/pagination.js'
import type { ConnectionValue } from '../../records/read/relations.js'
import { loadInBusiness, pageById } from '../common/admin-pages.js'
import type { Principal } from '../../access/principal.js'

export type TeamRow = Row<'teams'>

/** The caller's business's teams, one page in creation order. */
export function listTeams(db: Kysely<Database>, principal: Principal, args: ConnectionArgs, withCount: boolean): Promise<ConnectionValue> {
  const scoped = db.selectFrom('teams').selectAll().where('business_id', '=', principal.businessId)
  return pageById(scoped, 'teams.id', args, withCount)
}

/** Teams of the caller's business by id, in the order asked; an id of another business is undefined. */
export function loadTeams(db: Kysely<Database>, principal: Principal, ids: readonly string[]): Promise<Array<TeamRow | undefined>> {
  return loadInBusiness(db, 'teams', principal.businessId, ids)
}

/**
 * One team of the caller's business, locked against concurrent change (`for share`) so a member
 * assigned to it cannot point at a team another transaction just removed.
 */
export async function findTeam(db: Kysely<Database>, principal: Principal, id: string): Promise<TeamRow | undefined> {
  return db
    .selectFrom('teams')
    .selectAll()
    .where('business_id', '=', principal.businessId)
    .where('id', '=', id)
    .forShare()
    .executeTakeFirst()
}

/**
 * Creates a team; undefined when the business already has a team of that name in any letter case
 * (the unique index on (business_id, lower(name)) decides, so concurrent creates cannot both win).
 */
export async function insertTeam(trx: Kysely<Database>, principal: Principal, name: string): Promise<TeamRow | undefined> {
  return trx
    .insertInto('teams')
    .values({ business_id: principal.businessId, name })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst()
}
