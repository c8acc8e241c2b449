/**
 * ConnectWise's security role grid: one row per module, one column per operation (Inquire, Add,
 * Edit, Delete), and in each cell All, My, Mine or None.
 */
import type { Module, Operation, PermissionInput, PermissionLevel } from '../gql/graphql.js'

export const MODULES = ['JOBS', 'SALES_ORDERS', 'PURCHASE_ORDERS', 'CONTACTS'] as const satisfies readonly Module[]
export const OPERATIONS = ['INQUIRE', 'ADD', 'EDIT', 'DELETE'] as const satisfies readonly Operation[]
export const LEVELS = ['ALL', 'MY', 'MINE', 'NONE'] as const satisfies readonly PermissionLevel[]
// A module, operation or level the schema gains and these lists miss fails the type check here.
type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never
const exhaustive: [Exhaustive<Module, (typeof MODULES)[number]>, Exhaustive<Operation, (typeof OPERATIONS)[number]>, Exhaustive<PermissionLevel, (typeof LEVELS)[number]>] = [true, true, true]
void exhaustive

const TITLE: Record<string, string> = {
  JOBS: 'Jobs', SALES_ORDERS: 'Sales orders', PURCHASE_ORDERS: 'Purchase orders', CONTACTS: 'Contacts',
  INQUIRE: 'Inquire', ADD: 'Add', EDIT: 'Edit', DELETE: 'Delete',
  ALL: 'All', MY: 'My', MINE: 'Mine', NONE: 'None',
}

export type Matrix = Record<string, PermissionLevel>
const cell = (module: Module, operation: Operation) => `${module}.${operation}`

export function matrixOf(permissions: readonly PermissionInput[]): Matrix {
  const matrix: Matrix = {}
  for (const module of MODULES) for (const operation of OPERATIONS) matrix[cell(module, operation)] = 'NONE'
  for (const p of permissions) matrix[cell(p.module, p.operation)] = p.level
  return matrix
}

/** Every pair that is not NONE (pairs left out are NONE). */
export function permissionsOf(matrix: Matrix): PermissionInput[] {
  return MODULES.flatMap((module) =>
    OPERATIONS.map((operation) => ({ module, operation, level: matrix[cell(module, operation)] ?? 'NONE' })).filter((p) => p.level !== 'NONE'),
  )
}

export function RoleMatrix({ matrix, readOnly, onChange }: { matrix: Matrix; readOnly?: boolean; onChange?: (matrix: Matrix) => void }) {
  return (
    <table class="matrix">
      <thead>
        <tr>
          <th>Module</th>
          {OPERATIONS.map((operation) => (
            <th key={operation}>{TITLE[operation]}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {MODULES.map((module) => (
          <tr key={module}>
            <th scope="row">{TITLE[module]}</th>
            {OPERATIONS.map((operation) => (
              <td key={operation}>
                <select
                  aria-label={`${TITLE[module]} ${TITLE[operation]}`}
                  name={cell(module, operation)}
                  value={matrix[cell(module, operation)]}
                  disabled={readOnly}
                  onChange={(event) => onChange?.({ ...matrix, [cell(module, operation)]: event.currentTarget.value as PermissionLevel })}
                >
                  {LEVELS.map((level) => (
                    <option key={level} value={level}>
                      {TITLE[level]}
                    </option>
                  ))}
                </select>
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}
