import type { ExecutionResult } from 'graphql'
import { decodeGlobalId, encodeGlobalId } from '../../../src/graphql/global-id.js'
import { MODULES, type PermissionMatrix } from '../../../src/access/permissions.js'
import type { ReferenceAnswer } from '../../setup/reference-reader.js'
import { isTypeName } from '../../setup/reference-records.js'
import type { Caller } from '../../setup/read-world.js'

/** Comparing a product answer with the reference's, and saying where they part in a few lines. */

/** Plain JSON: graphql-js builds objects without prototypes and may leave undefined behind. */
export const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)))

/** An error as the comparison sees it: its code (or its message when it has none) at its path. */
export function errorKeys(errors: ReadonlyArray<{ path?: ReadonlyArray<string | number>; code?: unknown; message?: string; extensions?: Record<string, unknown> }>): string[] {
  return errors
    .map((error) => {
      const code = error.code ?? error.extensions?.code ?? `no code: ${error.message}`
      return `${String(code)} at ${(error.path ?? []).join('.')}`
    })
    .sort()
}

/** The first place two JSON values differ, depth first, in the expected value's key order. */
export function firstDifference(expected: unknown, actual: unknown, path: string[] = []): { path: string; expected: unknown; actual: unknown } | null {
  if (Object.is(expected, actual)) return null
  const here = { path: path.join('.') || '(the whole data)', expected, actual }
  if (typeof expected !== 'object' || typeof actual !== 'object' || expected === null || actual === null) return here
  if (Array.isArray(expected) !== Array.isArray(actual)) return here
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return { ...here, expected: `${expected.length} items: ${short(expected)}`, actual: `${actual.length} items: ${short(actual)}` }
    for (const [index, item] of expected.entries()) {
      const difference = firstDifference(item, actual[index], [...path, String(index)])
      if (difference) return difference
    }
    return null
  }
  const e = expected as Record<string, unknown>
  const a = actual as Record<string, unknown>
  for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
    if (!(key in a)) return { path: [...path, key].join('.'), expected: e[key], actual: '(missing)' }
    if (!(key in e)) return { path: [...path, key].join('.'), expected: '(missing)', actual: a[key] }
    const difference = firstDifference(e[key], a[key], [...path, key])
    if (difference) return difference
  }
  return null
}

export const short = (value: unknown, max = 400) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return text === undefined ? 'undefined' : text.length > max ? `${text.slice(0, max)}…` : text
}

/** Every string in an answer that is a record's global id (under whatever alias it was asked). */
export function globalIdsIn(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    const { typename, id } = decodeGlobalId(value)
    if (isTypeName(typename) && encodeGlobalId(typename, id) === value) found.push(value)
  } else if (Array.isArray(value)) value.forEach((item) => globalIdsIn(item, found))
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => globalIdsIn(item, found))
  return found
}

export const describeRole = (caller: Caller, matrix: PermissionMatrix) =>
  `${caller.label} (${caller.kind}, principal ${caller.principalId}, team ${caller.teamId ?? 'none'}), INQUIRE ` +
  MODULES.map((module) => `${module}=${matrix[module].INQUIRE}`).join(' ')

/** What differs between the two answers, or null when they agree. */
export function answerDifference(expected: ReferenceAnswer, actual: ExecutionResult): string | null {
  const problems: string[] = []
  const difference = firstDifference(plain(expected.data), plain(actual.data ?? null))
  if (difference) {
    problems.push(`first difference in data at ${difference.path}:\n  expected ${short(difference.expected)}\n  actual   ${short(difference.actual)}`)
  }
  const expectedErrors = errorKeys(expected.errors)
  const actualErrors = errorKeys(actual.errors ?? [])
  const missing = expectedErrors.filter((key, index) => expectedErrors.indexOf(key) === index && count(expectedErrors, key) > count(actualErrors, key))
  const extra = actualErrors.filter((key, index) => actualErrors.indexOf(key) === index && count(actualErrors, key) > count(expectedErrors, key))
  if (missing.length > 0) problems.push(`errors expected but not given: ${short(missing)}`)
  if (extra.length > 0) {
    const messages = (actual.errors ?? []).filter((error) => !error.extensions?.code).map((error) => error.message)
    problems.push(`errors given but not expected: ${short(extra)}${messages.length ? `\n  messages: ${short(messages)}` : ''}`)
  }
  return problems.length > 0 ? problems.join('\n') : null
}

const count = (keys: string[], key: string) => keys.filter((k) => k === key).length
