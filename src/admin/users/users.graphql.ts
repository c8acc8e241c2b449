import { z } from 'zod'
import { auditRequestChange } from '../../access/audit.js'
import { requirePrincipal } from '../../records/write/transaction.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { badInput, conflict, notFound } from '../../graphql/errors.js'
import { idOfType } from '../../graphql/global-id.js'
import { EMAIL_MAX, NAME_MAX, emailSchema, nameSchema } from '../common/admin-input.js'
import { changesOf, inTransaction } from '../common/admin-mutation.js'
import { wantsTotalCount } from '../common/admin-pages.js'
import { resolveAssignment } from '../common/assignment.js'
import { type PrincipalRow, findPrincipal, listPrincipals, updatePrincipal } from '../common/principals.repository.js'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from '../../access/credentials/passwords.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import { SecurityRoleRef } from '../roles/roles.graphql.js'
import { revokeUserSessions } from '../../access/credentials/sessions.js'
import { liftSignInLocks } from '../../access/credentials/sign-in-throttle.js'
import { TeamRef } from '../teams/teams.graphql.js'
import {
  countOtherActiveAdmins,
  insertUser,
  lockAdminRole,
  passwordHashOf,
  replacePasswordHash,
  revokeOtherSessions,
} from './users.repository.js'

/** A user: a person of the business who signs in. Holders of the built-in Admin role are admins. */
export const UserRef = builder.objectRef<PrincipalRow>('User')
export const UserConnection = connectionOf(UserRef, 'User')

builder.node(UserRef, {
  description: 'A person of the business who signs in with email and password. Holders of the built-in Admin role manage access.',
  id: { resolve: (user) => user.id },
  // Lets an owner union (User | ApiMember) or the Node interface tell principals apart.
  isTypeOf: (value) => (value as PrincipalRow).kind === 'USER',
  fields: (t) => ({
    email: t.string({ description: 'Login email, lowercase, unique across Gatehouse.', resolve: (user) => user.email ?? '' }),
    name: t.exposeString('name', { description: `1–${NAME_MAX} characters.` }),
    role: t.field({ type: SecurityRoleRef, resolve: (user) => user.role_id }),
    team: t.field({ type: TeamRef, nullable: true, resolve: (user) => user.team_id }),
    active: t.exposeBoolean('active', { description: 'False: the user cannot sign in, and its sessions and keys are refused.' }),
    createdAt: t.field({ type: 'DateTime', resolve: (user) => user.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (user) => user.updated_at }),
  }),
})

// Passwords are not trimmed: every character counts. Messages never repeat the value.
const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `At least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(PASSWORD_MAX_LENGTH, `At most ${PASSWORD_MAX_LENGTH} characters.`)
const passwordDescription = `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters. Stored only as an argon2id hash.`

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    email: t.string({
      required: true,
      description: `Login email (at most ${EMAIL_MAX} characters), stored lowercase; unique across Gatehouse, CONFLICT when taken.`,
      validate: { schema: emailSchema },
    }),
    name: t.string({ required: true, description: `1–${NAME_MAX} characters.`, validate: { schema: nameSchema } }),
    password: t.string({ required: true, description: passwordDescription, validate: { schema: passwordSchema } }),
    roleId: t.id({ required: true, description: 'A security role of the business; the built-in Admin role makes an admin.' }),
    teamId: t.id({ required: false, description: 'A team of the business; none when left out.' }),
  }),
})

const UpdateUserInput = builder.inputType('UpdateUserInput', {
  description: 'Fields left out (or null) stay as they are, except `teamId: null`, which removes the team.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false, description: `1–${NAME_MAX} characters.`, validate: { schema: nameSchema } }),
    roleId: t.id({ required: false, description: 'A security role of the business; applies from the next request of every session and key.' }),
    teamId: t.id({ required: false, description: 'A team of the business, or null for none.' }),
    active: t.boolean({ required: false, description: 'false: signs the user out everywhere and refuses its keys.' }),
  }),
})

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({
    oldPassword: t.string({ required: true, description: 'The current password.', validate: { schema: z.string().max(PASSWORD_MAX_LENGTH) } }),
    newPassword: t.string({ required: true, description: passwordDescription, validate: { schema: passwordSchema } }),
  }),
})

const LAST_ADMIN_MESSAGE = 'The business must keep at least one active admin: make another user an admin first.'

const LiftSignInLocksInput = builder.inputType('LiftSignInLocksInput', {
  fields: (t) => ({ userId: t.id({ required: true, description: 'The User.' }) }),
})

builder.queryFields((t) => ({
  users: t.field({
    type: UserConnection,
    nullable: true,
    description: "The business's users, in creation order. Admins only.",
    args: pageArgs(t),
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listPrincipals(context.db, requirePrincipal(context), 'USER', args, wantsTotalCount(info, 'User')) as never,
  }),
}))

builder.mutationFields((t) => ({
  createUser: t.field({
    type: UserRef,
    description: 'Creates a user who signs in with this email and password. An email in use anywhere is CONFLICT. Admins only.',
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      // Hashing is slow on purpose: do it before the transaction holds a connection.
      const passwordHash = await hashPassword(input.password)
      return inTransaction(context, async (trx, principal) => {
        const { role, teamId } = await resolveAssignment(trx, principal, input)
        const user = await insertUser(trx, principal, {
          email: input.email.toLowerCase(),
          name: input.name,
          passwordHash,
          roleId: role!.id,
          teamId: teamId ?? null,
        })
        if (!user) throw conflict('That email address is already in use.', { field: 'input.email' })
        await auditRequestChange(trx, context, 'user.create', { type: 'User', id: user.id }, {
          fields: ['email', 'name', 'roleId', ...(user.team_id ? ['teamId'] : [])],
          email: user.email,
          name: user.name,
          roleId: user.role_id,
          teamId: user.team_id,
        })
        return user
      })
    },
  }),

  updateUser: t.field({
    type: UserRef,
    description:
      'Changes a user. A new role or team applies from the next request of its sessions and keys; `active: false` signs it out ' +
      'everywhere at once. Taking away the last active admin is CONFLICT. Admins only.',
    args: { input: t.arg({ type: UpdateUserInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = idOfType(input.id, 'User', 'input.id')
      const { user, changed } = await inTransaction(context, async (trx, principal) => {
        // Lock order: the Admin role, then the user. Only changes that can demote an admin need it.
        const touchesAdmin = input.roleId != null || input.active != null
        const adminRoleId = touchesAdmin ? await lockAdminRole(trx, principal) : undefined
        const before = await findPrincipal(trx, principal, 'USER', id, true)
        if (!before) throw notFound('User', 'input.id')
        const { role, teamId } = await resolveAssignment(trx, principal, input)
        const patch = { name: input.name ?? undefined, roleId: role?.id, teamId, active: input.active ?? undefined }
        if (adminRoleId) {
          const wasAdmin = before.active && before.role_id === adminRoleId
          const staysAdmin = (patch.active ?? before.active) && (patch.roleId ?? before.role_id) === adminRoleId
          if (wasAdmin && !staysAdmin && (await countOtherActiveAdmins(trx, principal, adminRoleId, id)) === 0) {
            throw conflict(LAST_ADMIN_MESSAGE, { field: patch.active === false ? 'input.active' : 'input.roleId' })
          }
        }
        const user = (await updatePrincipal(trx, principal, 'USER', id, patch))!
        const diff = changesOf(
          { name: before.name, roleId: before.role_id, teamId: before.team_id, active: before.active },
          patch,
        )
        // Deactivation ends every session now; its keys are refused while it stays inactive.
        const revoked = before.active && patch.active === false ? await revokeUserSessions(trx, principal.businessId, id) : []
        if (diff.fields.length > 0) {
          await auditRequestChange(trx, context, 'user.update', { type: 'User', id }, { ...diff, ...(revoked.length ? { revokedSessions: revoked.length } : {}) })
        }
        return { user, changed: diff.fields.length > 0 }
      })
      if (changed) await invalidateCredentials(context.services, { businessId: requirePrincipal(context).businessId, principalId: id })
      return user
    },
  }),

  liftSignInLocks: t.field({
    type: 'Int',
    description:
      "Lifts the sign-in locks (and forgets the failures) of a user of the business, from every address; answers how many locks were lifted. Admins only.",
    args: { input: t.arg({ type: LiftSignInLocksInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = idOfType(input.userId, 'User', 'input.userId')
      return inTransaction(context, async (trx, principal) => {
        const user = await findPrincipal(trx, principal, 'USER', id)
        if (!user?.email) throw notFound('User', 'input.userId')
        const lifted = await liftSignInLocks(trx, user.email)
        await auditRequestChange(trx, context, 'auth.sign_in_unlocked', { type: 'User', id }, { liftedLocks: lifted })
        return lifted
      })
    },
  }),

  changePassword: t.field({
    type: UserRef,
    description:
      "Changes the signed-in user's own password (any user with a session; not through an API key). A wrong `oldPassword` is " +
      'BAD_USER_INPUT. Every other session of the user is signed out; this one stays.',
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    // Any signed-in user, admin or not, but only with a session: a leaked key must not take over the account.
    authScopes: (_root, _args, context) =>
      context.principal?.kind === 'USER' && context.principal.credential.kind === 'session',
    resolve: async (_root, { input }, context) => {
      const caller = requirePrincipal(context)
      const stored = await passwordHashOf(context.db, caller)
      if (!stored || !(await verifyPassword(input.oldPassword, stored))) {
        throw badInput('The current password is not correct.', 'input.oldPassword')
      }
      if (input.oldPassword === input.newPassword) throw badInput('The new password must differ from the current one.', 'input.newPassword')
      const newHash = await hashPassword(input.newPassword)
      const session = caller.credential.kind === 'session' ? caller.credential.sessionId : null
      const user = await inTransaction(context, async (trx, principal) => {
        if (!(await replacePasswordHash(trx, principal, stored, newHash))) {
          throw conflict('The password was changed meanwhile; sign in again.')
        }
        const revoked = await revokeOtherSessions(trx, principal, session)
        await auditRequestChange(trx, context, 'user.password_change', { type: 'User', id: principal.id }, {
          fields: ['password'],
          revokedSessions: revoked.length,
        })
        return (await findPrincipal(trx, principal, 'USER', principal.id))!
      })
      await invalidateCredentials(context.services, { businessId: caller.businessId, principalId: caller.id })
      return user
    },
  }),
}))
