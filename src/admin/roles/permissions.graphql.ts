import { builder } from '../../graphql/builder.js'
import {
  LEVELS,
  LEVEL_DESCRIPTIONS,
  MODULES,
  MODULE_DESCRIPTIONS,
  OPERATIONS,
  OPERATION_DESCRIPTIONS,
  type PermissionGrant,
} from '../../access/permissions.js'

/**
 * The permission catalogue as GraphQL: the `Module`, `Operation` and `PermissionLevel` enums and the
 * `Permission` object (one module × operation with its level). Built from the lists in
 * permissions.ts, so adding a module there adds it here; roles, `viewer` and inputs all share these.
 */

const enumValues = <T extends string>(names: readonly T[], descriptions: Record<T, string>) =>
  Object.fromEntries(names.map((name) => [name, { value: name, description: descriptions[name] }])) as {
    [K in T]: { value: K; description: string }
  }

export const ModuleEnum = builder.enumType('Module', {
  description: 'A group of records a security role grants access to.',
  values: enumValues(MODULES, MODULE_DESCRIPTIONS),
})

export const OperationEnum = builder.enumType('Operation', {
  description: 'What a caller does to records of a module.',
  values: enumValues(OPERATIONS, OPERATION_DESCRIPTIONS),
})

export const PermissionLevelEnum = builder.enumType('PermissionLevel', {
  description: 'Which records of a module an operation reaches.',
  values: enumValues(LEVELS, LEVEL_DESCRIPTIONS),
})

/** One cell of a permission matrix: the level a role grants for an operation on a module. */
export const PermissionRef = builder.objectRef<PermissionGrant>('Permission').implement({
  description: 'The level granted for one operation on one module.',
  fields: (t) => ({
    module: t.field({ type: ModuleEnum, resolve: (grant) => grant.module }),
    operation: t.field({ type: OperationEnum, resolve: (grant) => grant.operation }),
    level: t.field({ type: PermissionLevelEnum, resolve: (grant) => grant.level }),
  }),
})

/** The input form of one grant, for creating and updating roles. */
export const PermissionInput = builder.inputType('PermissionInput', {
  description: 'The level to grant for one operation on one module. Pairs left out of a list are NONE.',
  fields: (t) => ({
    module: t.field({ type: ModuleEnum, required: true }),
    operation: t.field({ type: OperationEnum, required: true }),
    level: t.field({ type: PermissionLevelEnum, required: true }),
  }),
})
