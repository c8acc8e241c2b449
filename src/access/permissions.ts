/**
 * THE permission catalogue: modules × operations × levels, and who owns what.
 *
 * Add new modules here. Everything else derives from these lists: the GraphQL enums, the
 * scope-auth rules on fields, the SQL row filters (row-scope.ts), role validation and the
 * `viewer` permission matrix.
 */

export const MODULES = ['JOBS', 'SALES_ORDERS', 'PURCHASE_ORDERS', 'CONTACTS'] as const
export const OPERATIONS = ['INQUIRE', 'ADD', 'EDIT', 'DELETE'] as const
/** Ordered from widest to narrowest. */
export const LEVELS = ['ALL', 'MY', 'MINE', 'NONE'] as const

export type Module = (typeof MODULES)[number]
export type Operation = (typeof OPERATIONS)[number]
export type Level = (typeof LEVELS)[number]

/** A role's grants: every module maps every operation to a level. */
export type PermissionMatrix = Record<Module, Record<Operation, Level>>

export interface PermissionGrant {
  module: Module
  operation: Operation
  level: Level
}

export const MODULE_DESCRIPTIONS: Record<Module, string> = {
  JOBS: 'Jobs: the projects that sales and purchase orders belong to.',
  SALES_ORDERS: 'Sales orders and their lines. An order is owned by the owner of its job.',
  PURCHASE_ORDERS: 'Purchase orders, their lines, and suppliers. An order is owned by the owner of its job.',
  CONTACTS: 'Contacts: clients and prospects. A contact is owned by its sales rep.',
}

export const OPERATION_DESCRIPTIONS: Record<Operation, string> = {
  INQUIRE: 'Read records.',
  ADD: 'Create records.',
  EDIT: 'Change records.',
  DELETE: 'Delete records.',
}

export const LEVEL_DESCRIPTIONS: Record<Level, string> = {
  ALL: "Every record of the business.",
  MY: "Records owned by anyone in the caller's team.",
  MINE: 'Records owned by the caller.',
  NONE: 'No records; the operation is refused.',
}

/** The level a matrix grants for an operation on a module. Read grants through this, not by hand. */
export function levelOf(matrix: PermissionMatrix, module: Module, operation: Operation): Level {
  return matrix[module][operation]
}

/** Whether the matrix grants the operation on the module at any level (NONE is the only refusal). */
export function can(matrix: PermissionMatrix, module: Module, operation: Operation): boolean {
  return levelOf(matrix, module, operation) !== 'NONE'
}

/**
 * Whether every record level `narrower` reaches, `wider` reaches too: ALL ⊇ MY ⊇ MINE ⊇ NONE
 * (MY is the records of the caller's team, the caller's own among them; without a team it is MINE).
 */
export function covers(wider: Level, narrower: Level): boolean {
  return LEVELS.indexOf(wider) <= LEVELS.indexOf(narrower)
}

/** A matrix granting one level everywhere. */
export function uniformMatrix(level: Level): PermissionMatrix {
  return Object.fromEntries(
    MODULES.map((module) => [module, Object.fromEntries(OPERATIONS.map((operation) => [operation, level]))]),
  ) as PermissionMatrix
}

/** The built-in Admin role's grants; the role cannot be changed. */
export const ADMIN_PERMISSIONS: PermissionMatrix = uniformMatrix('ALL')
export const ADMIN_ROLE_NAME = 'Admin'

/** Builds a matrix from a list of grants; pairs left out are NONE. Later grants win. */
export function matrixFromGrants(grants: readonly PermissionGrant[]): PermissionMatrix {
  const matrix = uniformMatrix('NONE')
  for (const { module, operation, level } of grants) matrix[module][operation] = level
  return matrix
}

/** Flattens a matrix into one grant per module × operation, in catalogue order. */
export function grantsFromMatrix(matrix: PermissionMatrix): PermissionGrant[] {
  return MODULES.flatMap((module) =>
    OPERATIONS.map((operation) => ({ module, operation, level: matrix[module][operation] })),
  )
}

/**
 * Reads a matrix stored as JSON. Anything unknown or missing is NONE, so a corrupt or older row
 * can only ever grant less, never more.
 */
export function parseMatrix(stored: unknown): PermissionMatrix {
  const matrix = uniformMatrix('NONE')
  if (!stored || typeof stored !== 'object') return matrix
  for (const module of MODULES) {
    const operations = (stored as Record<string, unknown>)[module]
    if (!operations || typeof operations !== 'object') continue
    for (const operation of OPERATIONS) {
      const level = (operations as Record<string, unknown>)[operation]
      if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) {
        matrix[module][operation] = level as Level
      }
    }
  }
  return matrix
}
