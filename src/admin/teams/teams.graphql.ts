import type { Context } from '../../context.js'
import { auditRequestChange } from '../../access/audit.js'
import { requirePrincipal } from '../../records/write/transaction.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { conflict } from '../../graphql/errors.js'
import { NAME_MAX, nameSchema } from '../common/admin-input.js'
import { inTransaction } from '../common/admin-mutation.js'
import { orMissing, wantsTotalCount } from '../common/admin-pages.js'
import { type TeamRow, insertTeam, listTeams, loadTeams } from './teams.repository.js'

/** A team (department): what MY means in a security role. Loaded per request, batched. */
export const TeamRef = builder.loadableNodeRef('Team', {
  id: { resolve: (team: TeamRow) => team.id },
  load: (ids: string[], context: Context) => loadTeams(context.db, requirePrincipal(context), ids).then(orMissing),
})
export const TeamConnection = connectionOf(TeamRef, 'Team')

TeamRef.implement({
  description: "A team (department) of the business. A role's MY level reaches records owned by anyone in the caller's team.",
  fields: (t) => ({
    name: t.exposeString('name', { description: `Unique within the business (letter case aside); 1–${NAME_MAX} characters.` }),
    createdAt: t.field({ type: 'DateTime', resolve: (team) => team.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (team) => team.updated_at }),
  }),
})

const CreateTeamInput = builder.inputType('CreateTeamInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: `1–${NAME_MAX} characters, unique within the business.`, validate: { schema: nameSchema } }),
  }),
})

builder.queryFields((t) => ({
  teams: t.field({
    type: TeamConnection,
    nullable: true,
    description: "The business's teams, in creation order. Admins only.",
    args: pageArgs(t),
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listTeams(context.db, requirePrincipal(context), args, wantsTotalCount(info, 'Team')) as never,
  }),
}))

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: TeamRef,
    description: 'Creates a team. A name the business already uses is CONFLICT. Admins only.',
    args: { input: t.arg({ type: CreateTeamInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      inTransaction(context, async (trx, principal) => {
        const team = await insertTeam(trx, principal, input.name)
        if (!team) throw conflict('The business already has a team of that name.', { field: 'input.name' })
        await auditRequestChange(trx, context, 'team.create', { type: 'Team', id: team.id }, { fields: ['name'], name: team.name })
        return team
      }),
  }),
}))
