import fc from 'fast-check'
import { GraphQLError } from 'graphql'
import { describe, expect, it } from 'vitest'
import { encodeCursor, packCursor, pageRequest, unpackCursor } from '../../../src/records/read/pagination.js'

/** The one cursor codec and the page request, as pure functions. */

const codeOf = (work: () => unknown) => {
  try {
    work()
    return 'OK'
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error
    return `${String(error.extensions.code)}:${String(error.extensions.field)}`
  }
}

describe('cursors', () => {
  it('round-trip through a page request, each in its own order', () => {
    const byId = encodeCursor({ order: 'id', id: '42' })
    const bySync = encodeCursor({ order: 'sync', id: '7', updatedAt: '2026-12-01 10:00:00.123456+00' })
    expect(pageRequest({ after: byId }, 'id').after).toEqual({ order: 'id', id: '42' })
    expect(pageRequest({ before: bySync, last: 5 }, 'sync').before).toEqual({ order: 'sync', id: '7', updatedAt: '2026-12-01 10:00:00.123456+00' })
    expect(codeOf(() => pageRequest({ after: byId }, 'sync'))).toBe('BAD_USER_INPUT:after')
    expect(codeOf(() => pageRequest({ before: bySync }, 'id'))).toBe('BAD_USER_INPUT:before')
  })

  it('keep the wire format clients already hold (base64url JSON of strings)', () => {
    expect(packCursor(['i', '42'])).toBe(Buffer.from('["i","42"]').toString('base64url'))
    expect(encodeCursor({ order: 'id', id: '42' })).toBe(packCursor(['i', '42']))
  })

  it('anything a client can send is a cursor or BAD_USER_INPUT naming the argument, never another error (fast-check)', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
    const hostile = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json().map((json) => Buffer.from(json).toString('base64url')),
      fc.array(fc.oneof(fc.string(), fc.constantFrom('i', 's', '99999999999999999999', '1')), { maxLength: 4 }).map((parts) => packCursor(parts)),
    )
    try {
      fc.assert(
        fc.property(hostile, fc.constantFrom('id' as const, 'sync' as const), (cursor, order) => {
          expect(['OK', 'BAD_USER_INPUT:after']).toContain(codeOf(() => pageRequest({ after: cursor }, order)))
          expect(['OK', 'BAD_USER_INPUT:after']).toContain(codeOf(() => unpackCursor(cursor, 'after')))
        }),
        { seed, numRuns: 500 },
      )
    } catch (error) {
      throw new Error(`cursor property failed; replay with FC_SEED=${seed}\n${(error as Error).message}`)
    }
  })

  it('page sizes: default 25, at most 100, first and last exclude each other', () => {
    expect(pageRequest({}, 'id').size).toBe(25)
    expect(codeOf(() => pageRequest({ first: 101 }, 'id'))).toBe('BAD_USER_INPUT:first')
    expect(codeOf(() => pageRequest({ first: 1, last: 1 }, 'id'))).toBe('BAD_USER_INPUT:first')
    expect(pageRequest({ last: 3 }, 'id')).toMatchObject({ size: 3, backwards: true })
  })
})
