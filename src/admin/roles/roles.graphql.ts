import { z } from 'zod'
import { auditRequestChange } from '../../access/audit.js'
import { requirePrincipal } from '../../records/write/transaction.js'
import type { Context } from '../../context.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../records/fields/connections.js'
import { conflict, notFound } from '../../graphql/errors.js'
import { idOfType } from '../../graphql/global-id.js'
import { NAME_MAX, isUniqueViolation, nameSchema } from '../common/admin-input.js'
import { inTransaction } from '../common/admin-mutation.js'
import { orMissing, wantsTotalCount } from '../common/admin-pages.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import { PermissionInput, PermissionRef } from './permissions.graphql.js'
import {
  LEVELS,
  MODULES,
  OPERATIONS,
  type PermissionMatrix,
  grantsFromMatrix,
  matrixFromGrants,
  parseMatrix,
} from '../../access/permissions.js'
import {
  type RoleRow,
  countHolders,
  deleteRole,
  findRole,
  insertRole,
  listRoles,
  loadRoles,
  updateRole,
} from './roles.repository.js'

/** A security role. Loaded per request, batched, so `role` on many members costs one statement. */
export const SecurityRoleRef = builder.loadableNodeRef('SecurityRole', {
  id: { resolve: (role: RoleRow) => role.id },
  load: (ids: string[], context: Context) => loadRoles(context.db, requirePrincipal(context), ids).then(orMissing),
})
export const SecurityRoleConnection = connectionOf(SecurityRoleRef, 'SecurityRole')

SecurityRoleRef.implement({
  description:
    'A security role: for every module and operation, the level of records it reaches (ALL, MY, MINE or NONE). ' +
    'The built-in Admin role grants ALL everywhere and cannot be changed or deleted.',
  fields: (t) => ({
    name: t.exposeString('name', { description: `Unique within the business (letter case aside); 1–${NAME_MAX} characters.` }),
    builtin: t.exposeBoolean('is_builtin', { description: 'The built-in Admin role: it cannot be changed or deleted.' }),
    permissions: t.field({
      type: [PermissionRef],
      description: `Every module × operation pair (${MODULES.length * OPERATIONS.length}) with its level, in catalogue order.`,
      resolve: (role) => grantsFromMatrix(parseMatrix(role.permissions)),
    }),
    memberCount: t.loadable({
      type: 'Int',
      nullable: true,
      description: 'How many users and API members hold the role (admins only). A held role cannot be deleted.',
      authScopes: { admin: true },
      load: (ids: string[], context: Context) => countHolders(context.db, requirePrincipal(context), ids),
      resolve: (role) => role.id,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (role) => role.created_at }),
    updatedAt: t.field({ type: 'DateTime', resolve: (role) => role.updated_at }),
  }),
})

/** A permission list names each module × operation at most once; a repeat is reported at its index. */
const permissionListSchema = z
  .array(z.object({ module: z.enum(MODULES), operation: z.enum(OPERATIONS), level: z.enum(LEVELS) }))
  .max(MODULES.length * OPERATIONS.length, `At most ${MODULES.length * OPERATIONS.length} pairs (every module × operation once).`)
  .superRefine((grants, ctx) => {
    const seen = new Set<string>()
    grants.forEach((grant, index) => {
      const pair = `${grant.module} ${grant.operation}`
      if (seen.has(pair)) ctx.addIssue({ code: 'custom', path: [index], message: `${pair} is listed more than once.` })
      seen.add(pair)
    })
  })

const permissionsDescription = 'The levels to grant. Pairs left out are NONE; each module × operation pair may appear once.'

const CreateSecurityRoleInput = builder.inputType('CreateSecurityRoleInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: `1–${NAME_MAX} characters, unique within the business.`, validate: { schema: nameSchema } }),
    permissions: t.field({ type: [PermissionInput], required: true, description: permissionsDescription, validate: { schema: permissionListSchema } }),
  }),
})

const UpdateSecurityRoleInput = builder.inputType('UpdateSecurityRoleInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: false, description: `1–${NAME_MAX} characters, unique within the business.`, validate: { schema: nameSchema } }),
    permissions: t.field({
      type: [PermissionInput],
      required: false,
      description: `${permissionsDescription} Replaces the whole matrix; applies from every holder's next request.`,
      validate: { schema: permissionListSchema },
    }),
  }),
})

const DeleteSecurityRoleInput = builder.inputType('DeleteSecurityRoleInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
})

const BUILTIN_MESSAGE = 'The built-in Admin role cannot be changed or deleted.'
const nameTaken = () => conflict('The business already has a role of that name.', { field: 'input.name' })

/** The cells of two matrices that differ, for the audit log. */
function changedCells(before: PermissionMatrix, after: PermissionMatrix) {
  return grantsFromMatrix(after)
    .filter(({ module, operation, level }) => before[module][operation] !== level)
    .map(({ module, operation, level }) => ({ module, operation, from: before[module][operation], to: level }))
}

builder.queryFields((t) => ({
  securityRoles: t.field({
    type: SecurityRoleConnection,
    nullable: true,
    description: "The business's security roles, in creation order (the built-in Admin role first). Admins only.",
    args: pageArgs(t),
    authScopes: { admin: true },
    resolve: (_root, args, context, info) =>
      listRoles(context.db, requirePrincipal(context), args, wantsTotalCount(info, 'SecurityRole')) as never,
  }),
}))

builder.mutationFields((t) => ({
  createSecurityRole: t.field({
    type: SecurityRoleRef,
    description: 'Creates a security role. Pairs left out of `permissions` are NONE. A name in use is CONFLICT. Admins only.',
    args: { input: t.arg({ type: CreateSecurityRoleInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      inTransaction(context, async (trx, principal) => {
        const permissions = matrixFromGrants(input.permissions)
        const role = await insertRole(trx, principal, { name: input.name, permissions })
        if (!role) throw nameTaken()
        await auditRequestChange(trx, context, 'role.create', { type: 'SecurityRole', id: role.id }, {
          fields: ['name', 'permissions'],
          name: role.name,
          permissions: grantsFromMatrix(permissions).filter((grant) => grant.level !== 'NONE'),
        })
        return role
      }),
  }),

  updateSecurityRole: t.field({
    type: SecurityRoleRef,
    description:
      'Renames a role and/or replaces its grants; holders get the new grants from their very next request. ' +
      'The built-in Admin role is CONFLICT. Admins only.',
    args: { input: t.arg({ type: UpdateSecurityRoleInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const id = idOfType(input.id, 'SecurityRole', 'input.id')
      const role = await inTransaction(context, async (trx, principal) => {
        const before = await findRole(trx, principal, id, 'update')
        if (!before) throw notFound('SecurityRole', 'input.id')
        if (before.is_builtin) throw conflict(BUILTIN_MESSAGE, { field: 'input.id' })
        const name = input.name ?? undefined
        const oldMatrix = parseMatrix(before.permissions)
        const permissions = input.permissions ? matrixFromGrants(input.permissions) : undefined
        const role = await updateRole(trx, principal, id, { name, permissions }).catch((error: unknown) => {
          throw isUniqueViolation(error) ? nameTaken() : error
        })
        const cells = permissions ? changedCells(oldMatrix, permissions) : []
        const fields = [...(name !== undefined && name !== before.name ? ['name'] : []), ...(cells.length > 0 ? ['permissions'] : [])]
        await auditRequestChange(trx, context, 'role.update', { type: 'SecurityRole', id }, {
          fields,
          ...(fields.includes('name') ? { changes: { name: { from: before.name, to: name } } } : {}),
          ...(cells.length > 0 ? { permissions: cells } : {}),
        })
        return role
      })
      // After the commit: a request that re-reads its principal now sees the new grants.
      await invalidateCredentials(context.services, { businessId: requirePrincipal(context).businessId, roleId: id })
      return role
    },
  }),

  deleteSecurityRole: t.field({
    type: SecurityRoleRef,
    description:
      'Deletes a role and returns it as it was. CONFLICT while any user or API member holds it, and for the built-in Admin role. Admins only.',
    args: { input: t.arg({ type: DeleteSecurityRoleInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) => {
      const id = idOfType(input.id, 'SecurityRole', 'input.id')
      return inTransaction(context, async (trx, principal) => {
        const role = await findRole(trx, principal, id, 'update')
        if (!role) throw notFound('SecurityRole', 'input.id')
        if (role.is_builtin) throw conflict(BUILTIN_MESSAGE, { field: 'input.id' })
        if (!(await deleteRole(trx, principal, id))) {
          const [holders] = await countHolders(trx, principal, [id])
          throw conflict(`The role is still held by ${holders} user(s) or API member(s); assign them another role first.`, {
            field: 'input.id',
          })
        }
        await auditRequestChange(trx, context, 'role.delete', { type: 'SecurityRole', id }, { fields: [], name: role.name })
        return role
      })
    },
  }),
}))
