import { type AliasedExpression, type Expression, type ExpressionBuilder, sql } from 'kysely'
import { jsonObjectFrom } from 'kysely/helpers/postgres'
import type { Resource } from '../resource.js'
import type { StatementScope } from './statement.js'

/**
 * A record's owner (a user or API member, with its team) read inside the record's own statement:
 * the owner of a job or contact is its owner column; an order's is its job's (the contract's
 * rule, the same one row-scope.ts filters on), so it is followed up the parent chain in SQL.
 */

/** The key under which a row carries its owner; internal (`@`), so no alias reaches it. */
export const OWNER_KEY = '@owner'

export interface OwnerRow {
  id: string
  kind: 'USER' | 'API_MEMBER'
  name: string
  team_id: string | null
  team_name: string | null
}

/** The owner subquery for rows of `resource` under `alias`; null for records without owners. */
export function ownerExpression(
  scope: StatementScope,
  eb: ExpressionBuilder<any, any>,
  resource: Resource,
  alias: string,
): AliasedExpression<unknown, string> | null {
  const ownerId = ownerIdOf(scope, eb, resource, alias)
  if (!ownerId) return null
  const person = scope.nextAlias()
  const team = scope.nextAlias()
  return jsonObjectFrom(
    eb
      .selectFrom(`principals as ${person}`)
      .leftJoin(`teams as ${team}`, (join) =>
        join.onRef(`${team}.business_id`, '=', `${person}.business_id`).onRef(`${team}.id`, '=', `${person}.team_id`),
      )
      .select([
        sql`${sql.ref(`${person}.id`)}::text`.as('id'),
        `${person}.kind as kind`,
        `${person}.name as name`,
        sql`${sql.ref(`${team}.id`)}::text`.as('team_id'),
        `${team}.name as team_name`,
      ])
      .where(`${person}.business_id`, '=', scope.principal.businessId)
      .where(`${person}.id`, '=', ownerId),
  ).as(OWNER_KEY)
}

export function ownerIdOf(scope: StatementScope, eb: ExpressionBuilder<any, any>, resource: Resource, alias: string): Expression<unknown> | null {
  const ownership = resource.ownership
  if (ownership.kind === 'none') return null
  if (ownership.kind === 'column') return eb.ref(`${alias}.${ownership.column}`)
  const parent = ownership.parent()
  const parentAlias = scope.nextAlias()
  const parentOwner = ownerIdOf(scope, eb, parent, parentAlias)
  if (!parentOwner) return null
  return eb
    .selectFrom(`${parent.table} as ${parentAlias}`)
    .select(sql`${parentOwner}`.as('owner_id'))
    .where(`${parentAlias}.business_id`, '=', scope.principal.businessId)
    .where(`${parentAlias}.id`, '=', eb.ref(`${alias}.${ownership.foreignKey}`))
}
