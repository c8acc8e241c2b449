import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  LEVELS,
  MODULES,
  OPERATIONS,
  can,
  grantsFromMatrix,
  levelOf,
  matrixFromGrants,
  parseMatrix,
  uniformMatrix,
} from '../../src/access/permissions.js'

/** The permission catalogue's helpers, as pure functions (fast-check; FC_SEED replays a failure). */
describe('the permission catalogue', () => {
  const grant = fc.record({ module: fc.constantFrom(...MODULES), operation: fc.constantFrom(...OPERATIONS), level: fc.constantFrom(...LEVELS) })

  it('levelOf reads what the grants set (later grants win; pairs left out are NONE), and can is levelOf ≠ NONE', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
    try {
      fc.assert(
        fc.property(fc.array(grant, { maxLength: 40 }), (grants) => {
          const matrix = matrixFromGrants(grants)
          for (const module of MODULES) {
            for (const operation of OPERATIONS) {
              const last = grants.filter((g) => g.module === module && g.operation === operation).at(-1)
              expect(levelOf(matrix, module, operation)).toBe(last?.level ?? 'NONE')
              expect(can(matrix, module, operation)).toBe((last?.level ?? 'NONE') !== 'NONE')
            }
          }
          // A matrix survives its grants and its stored JSON unchanged.
          expect(matrixFromGrants(grantsFromMatrix(matrix))).toEqual(matrix)
          expect(parseMatrix(JSON.parse(JSON.stringify(matrix)))).toEqual(matrix)
        }),
        { seed, numRuns: 200 },
      )
    } catch (error) {
      throw new Error(`permission property failed; replay with FC_SEED=${seed}\n${(error as Error).message}`)
    }
  })

  it('a corrupt or older stored matrix can only grant less: anything unknown is NONE', () => {
    const parsed = parseMatrix({ JOBS: { INQUIRE: 'ALL', EDIT: 'EVERYTHING' }, HACKS: { INQUIRE: 'ALL' }, CONTACTS: 'ALL' })
    expect(levelOf(parsed, 'JOBS', 'INQUIRE')).toBe('ALL')
    expect(levelOf(parsed, 'JOBS', 'EDIT')).toBe('NONE')
    expect(can(parsed, 'CONTACTS', 'INQUIRE')).toBe(false)
    expect(parseMatrix(null)).toEqual(uniformMatrix('NONE'))
  })
})
