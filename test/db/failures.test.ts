import { describe, expect, it } from 'vitest'
import { DeadlineExceededError } from '../../src/db/deadline.js'
import { databaseFailure } from '../../src/db/failures.js'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

describe('databaseFailure', () => {
  it('reads a lost or refused connection as unavailable', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('ECONNRESET'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('53300', 'sorry, too many clients already'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
    ]) {
      expect(databaseFailure(error), String(error)).toBe('unavailable')
    }
  })

  it('reads a cancelled statement, a lock timeout and a passed deadline as timeout', () => {
    expect(databaseFailure(withCode('57014', 'canceling statement due to statement timeout'))).toBe('timeout')
    expect(databaseFailure(withCode('55P03', 'canceling statement due to lock timeout'))).toBe('timeout')
    expect(databaseFailure(new DeadlineExceededError())).toBe('timeout')
  })

  it('leaves everything else to the caller', () => {
    for (const error of [withCode('23505'), withCode('22P02'), new Error('boom'), new TypeError('x'), 'a string', null]) {
      expect(databaseFailure(error)).toBeUndefined()
    }
  })
})
