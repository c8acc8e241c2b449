import { type RawBuilder, expressionBuilder, sql } from 'kysely'
import type { Resource } from '../resource.js'
import { base64url } from './global-id-sql.js'
import { ownerIdOf } from './owner.js'
import type { OwnerPlan } from './response-plan.js'
import type { StatementScope } from './statement.js'

/**
 * A record's owner as the response's JSON (response-sql.ts): the object fields/owner-field.ts
 * answers — id, kind, name, its team or null — or null for a record nobody owns, and its price
 * as the cost meter counts it (1 for the owner, 1 for each selection of a team that came back; both carry an id).
 */
export function ownerValue(scope: StatementScope, resource: Resource, alias: string, fields: OwnerPlan[]) {
  const eb = expressionBuilder<any, any>()
  const ownerId = ownerIdOf(scope, eb, resource, alias)!
  const [person, team, object, teamObject, result] = [scope.nextAlias(), scope.nextAlias(), scope.nextAlias(), scope.nextAlias(), scope.nextAlias()]
  const ref = (name: string) => sql.ref(name)
  const hasTeam = sql`(${ref(`${team}.id`)} is not null and ${ref(`${team}.name`)} is not null)`
  // Every selection of the team under its own response key is an object the meter counts.
  const teamSelections = fields.filter((field) => field.kind === 'team').length
  const values = fields.map((field) => {
    switch (field.kind) {
      case 'typename':
        return sql`${sql.lit(field.value)}::text`.as(field.key)
      case 'id':
        return base64url(sql`(case when ${ref(`${person}.kind`)} = 'USER' then 'User:' else 'ApiMember:' end) || ${ref(`${person}.id`)}::text`).as(field.key)
      case 'kind':
      case 'name':
        return sql`${ref(`${person}.${field.kind}`)}`.as(field.key)
      case 'team': {
        const teamValues = field.fields.map((member) =>
          member.kind === 'typename'
            ? sql`${sql.lit(member.value)}::text`.as(member.key)
            : (member.kind === 'id' ? base64url(sql`'Team:' || ${ref(`${team}.id`)}::text`) : sql`${ref(`${team}.name`)}`).as(member.key),
        )
        return sql`(select row_to_json(${sql.id(teamObject)}) from (select ${sql.join(teamValues)}) as ${sql.id(teamObject)} where ${hasTeam})`.as(field.key)
      }
    }
  })
  const cost = teamSelections > 0 ? sql`1 + (case when ${hasTeam} then ${sql.lit(teamSelections)} else 0 end)` : sql`1`
  const body = sql`select row_to_json(${sql.id(object)}) as data, ${cost} as cost
    from principals as ${sql.id(person)}
    left join teams as ${sql.id(team)} on ${ref(`${team}.business_id`)} = ${ref(`${person}.business_id`)} and ${ref(`${team}.id`)} = ${ref(`${person}.team_id`)}
    cross join lateral (select ${sql.join(values)}) as ${sql.id(object)}
    where ${ref(`${person}.business_id`)} = ${scope.principal.businessId} and ${ref(`${person}.id`)} = ${ownerId}
    limit 1`
  return {
    json: ref(`${result}.data`) as RawBuilder<unknown>,
    cost: sql`coalesce(${ref(`${result}.cost`)}, 0)` as RawBuilder<unknown>,
    laterals: [sql`left join lateral (${body}) as ${sql.id(result)} on true`],
  }
}
