import { builder } from '../../graphql/builder.js'
import { auditRequestChange } from '../../access/audit.js'
import { requirePrincipal } from '../../records/write/transaction.js'
import { appendSecurityEvent } from '../../records/write/outbox.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { notFound } from '../../graphql/errors.js'
import { idOfType } from '../../graphql/global-id.js'
import { DESCRIPTION_MAX, NAME_MAX, descriptionSchema, nameSchema } from '../common/admin-input.js'
import { changesOf, inTransaction } from '../common/admin-mutation.js'
import { wantsTotalCount } from '../common/admin-pages.js'
import { resolveAssignment } from '../common/assignment.js'
import { type PrincipalRow, findPrincipal, listPrincipals, updatePrincipal } from '../common/principals.repository.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import { SecurityRoleRef } from '../roles/roles.graphql.js'
import { TeamRef } from '../teams/teams.graphql.js'
import { insertMember } from './members.repository.js'

/** An API member: a service account of the business that holds API keys (ConnectWise "API Members"). */
export const ApiMemberRef = builder.objectRef<PrincipalRow>('ApiMember')
export const ApiMemberConnection = connectionOf(ApiMemberRef, 'ApiMember')

builder.node(ApiMemberRef, {
  description:
    'An API member: a service account a partner integration acts as. Its security role decides what its keys may do; ' +
    'its team is what MY means for it. A deactivated member\'s keys stop at once.',
  id: { resolve: (member) => member.id },
  // Lets an owner union (User | ApiMember) or the Node interface tell principals apart.
  isTypeOf: (value) => (value as PrincipalRow).kind === 'API_MEMBER',
  fields: (t) => ({
    name: t.exposeString('name', { description: `1–${NAME_MAX} characters.` }),
    description: t.exposeString('description', { description: `At most ${DESCRIPTION_MAX} characters.` }),
    role: t.field({ type: SecurityRoleRef, resolve: (member) => member.role_id }),
    team: t.field({ type: TeamRef, nullable: true, resolve: (member) => member.team_id }),
    active: t.exposeBoolean('active', { description: 'False: every key of the member is refused.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (member) => member.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (member) => member.updated_at }),
  }),
})

const CreateApiMemberInput = builder.inputType('CreateApiMemberInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: `1–${NAME_MAX} characters.`, validate: { schema: nameSchema } }),
    description: t.string({ required: true, description: `At most ${DESCRIPTION_MAX} characters; may be empty.`, validate: { schema: descriptionSchema } }),
    roleId: t.id({ required: true, description: 'A security role of the business.' }),
    teamId: t.id({ required: false, description: 'A team of the business; none when left out.' }),
  }),
})

const UpdateApiMemberInput = builder.inputType('UpdateApiMemberInput', {
  description: 'Fields left out (or null) stay as they are, except `teamId: null`, which removes the team.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false, description: `1–${NAME_MAX} characters.`, validate: { schema: nameSchema } }),
    description: t.string({ required: false, description: `At most ${DESCRIPTION_MAX} characters.`, validate: { schema: descriptionSchema } }),
    roleId: t.id({ required: false, description: 'A security role of the business; applies from the next request of every key.' }),
    teamId: t.id({ required: false, description: 'A team of the business, or null for none.' }),
    active: t.boolean({ required: false, description: 'false: every key of the member is refused from the next request.' }),
  }),
})

builder.queryFields((t) => ({
  apiMembers: t.field({
    type: ApiMemberConnection,
    nullable: true,
    description: "The business's API members, in creation order. Admins only.",
    args: pageArgs(t),
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listPrincipals(context.db, requirePrincipal(context), 'API_MEMBER', args, wantsTotalCount(info, 'ApiMember')) as never,
  }),
}))

builder.mutationFields((t) => ({
  createApiMember: t.field({
    type: ApiMemberRef,
    description: 'Creates an API member. Give it keys with `generateApiKeys`. Admins only.',
    args: { input: t.arg({ type: CreateApiMemberInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      let queued = 0
      const created = await inTransaction(context, async (trx, principal) => {
        const { role, teamId } = await resolveAssignment(trx, principal, input)
        const member = await insertMember(trx, principal, {
          name: input.name,
          description: input.description,
          roleId: role!.id,
          teamId: teamId ?? null,
        })
        await auditRequestChange(trx, context, 'member.create', { type: 'ApiMember', id: member.id }, {
          fields: ['name', 'description', 'roleId', ...(member.team_id ? ['teamId'] : [])],
          name: member.name,
          roleId: member.role_id,
          teamId: member.team_id,
        })
        queued = await appendSecurityEvent(trx, principal.businessId, 'api_member.created', member.id)
        return member
      })
      // After the commit; only when someone subscribed (others hear NOTIFY).
      if (queued > 0) context.services.webhooks?.wake()
      return created
    },
  }),

  updateApiMember: t.field({
    type: ApiMemberRef,
    description:
      'Changes an API member. A new role, team or `active: false` applies from the very next request of its keys. Admins only.',
    args: { input: t.arg({ type: UpdateApiMemberInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = idOfType(input.id, 'ApiMember', 'input.id')
      let queued = 0
      const { member, changed } = await inTransaction(context, async (trx, principal) => {
        const before = await findPrincipal(trx, principal, 'API_MEMBER', id, true)
        if (!before) throw notFound('ApiMember', 'input.id')
        const { role, teamId } = await resolveAssignment(trx, principal, input)
        const patch = {
          name: input.name ?? undefined,
          description: input.description ?? undefined,
          roleId: role?.id,
          teamId,
          active: input.active ?? undefined,
        }
        const member = (await updatePrincipal(trx, principal, 'API_MEMBER', id, patch))!
        const diff = changesOf(
          { name: before.name, description: before.description, roleId: before.role_id, teamId: before.team_id, active: before.active },
          patch,
        )
        if (diff.fields.length > 0) {
          await auditRequestChange(trx, context, 'member.update', { type: 'ApiMember', id }, diff)
          queued = await appendSecurityEvent(trx, principal.businessId, 'api_member.updated', id)
        }
        return { member, changed: diff.fields.length > 0 }
      })
      // After the commit, so no instance can re-cache the old role, team or active flag.
      if (changed) await invalidateCredentials(context.services, { businessId: requirePrincipal(context).businessId, principalId: id })
      if (queued > 0) context.services.webhooks?.wake()
      return member
    },
  }),
}))
