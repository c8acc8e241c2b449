import { describe, expect, it } from 'vitest'
import { getNamedType, isNonNullType } from 'graphql'
import { getSchema } from '../../src/schema.js'

/** Root fields a caller may use without a credential. Nothing else may be without a scope. */
const OPEN_FIELDS = new Set(['Mutation.signIn'])

describe('every root field declares who may call it', () => {
  it('has an auth scope on each Query and Mutation field', () => {
    const schema = getSchema()
    const unguarded: string[] = []
    for (const type of [schema.getQueryType(), schema.getMutationType()]) {
      for (const field of Object.values(type?.getFields() ?? {})) {
        const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions
        const name = `${type!.name}.${field.name}`
        if (!options?.authScopes && !OPEN_FIELDS.has(name)) unguarded.push(name)
      }
    }
    expect(unguarded).toEqual([])
  })
})

describe('a refused root field nulls only itself', () => {
  it('makes every Query field that a role can refuse, and every list, nullable', () => {
    const schema = getSchema()
    const refusableNonNull: string[] = []
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      const scopes = (field.extensions as { pothosOptions?: { authScopes?: Record<string, unknown> } }).pothosOptions?.authScopes
      // `authenticated` alone is decided per request (401) before any field runs; anything else is per field.
      const refusable = scopes && Object.keys(scopes).some((scope) => scope !== 'authenticated')
      // A list can also refuse its arguments (a bad cursor): every list is nullable too.
      const list = getNamedType(field.type).name.endsWith('Connection')
      if ((refusable || list) && isNonNullType(field.type)) refusableNonNull.push(field.name)
    }
    expect(refusableNonNull).toEqual([])
  })
})
