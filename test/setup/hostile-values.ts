import { type GraphQLNamedType, isEnumType, isScalarType } from 'graphql'
import { packCursor } from '../../src/records/read/pagination.js'

/**
 * The catalogue of hostile values for test/server/hostile-input.test.ts: for one input position
 * (a leaf of an argument, or a list or object inside one), the values a hostile client sends.
 * Whether a value is invalid for its GraphQL type is not written here: the probe runner asks
 * graphql-js itself (parse, validate, coerce), and only a value the type accepts is judged by
 * `expect` (for queries; every mutation probe must be refused).
 */

/** Placeholder a probe's variables carry where the hostile value's raw JSON goes. */
export const HOSTILE = '__HOSTILE_7f3a1c__'

export interface Hostile {
  label: string
  /** The value, for a variable (JSON.stringify) and, printed, for a literal. */
  value?: unknown
  /** Raw JSON for the variable, when JSON.stringify cannot say it (-0, 2^53+1). */
  json?: string
  /** Raw GraphQL literal, when printing `value` would not say it. */
  literal?: string
  /** Query fields only: a type-valid value may be answered with data ('any') or must be refused. */
  expect?: 'reject' | 'any'
  /** Giant input: a size refusal (QUERY_TOO_COMPLEX, or BAD_REQUEST / 413) also fits. */
  giant?: boolean
  /** Mutation probes skip it (a legitimately valid value there, such as a far future date). */
  queryOnly?: boolean
  /** Sent only this way (a quoted enum is wrong only as a literal). */
  only?: 'literal' | 'variable'
}

/** One position in an argument that the catalogue is asked about. */
export interface Position {
  root: 'query' | 'mutation'
  /** Root field (`jobs`, `createSalesOrder`). */
  field: string
  /** Path in the arguments, e.g. ['input', 'lines', '0', 'quantity']. */
  path: string[]
  /** The last non-index segment of the path: the input field's or argument's name. */
  name: string
  type: GraphQLNamedType
  shape: 'leaf' | 'list' | 'object'
  /** The valid value a baseline holds here (or a sample), which string probes build on. */
  sample?: unknown
  /** A required position: null is refused. */
  nonNull: boolean
  /** The record type a valid id here names, and an existing id of another type. */
  idType?: string
  otherTypeId?: string
}

const GIANT_LIST = 70_000
/** Lists of input objects: still 20× their limit (500) and past the token limit as a literal, at a size a 2-core run affords. */
const GIANT_OBJECT_LIST = 10_000
const b64 = (text: string) => Buffer.from(text).toString('base64url')

/** `variant` 'sync': the list is read in (updatedAt, id) order, where `s` cursors reach SQL. */
export function hostilesFor(at: Position, variant = ''): Hostile[] {
  const hostiles = kindHostiles(at, variant)
  return at.nonNull ? [{ label: 'null for a required value', value: null }, ...hostiles] : hostiles
}

function kindHostiles(at: Position, variant: string): Hostile[] {
  if (at.shape === 'list') return listHostiles(at)
  if (at.shape === 'object') return objectHostiles(at)
  const name = at.type.name
  if (isEnumType(at.type)) return enumHostiles(at.type.getValues().map((value) => value.name))
  if (!isScalarType(at.type)) return []
  if (name === 'String' && (at.name === 'after' || at.name === 'before')) {
    return cursorHostiles(at.field === 'deletedRecords' ? 'deleted' : at.field === 'auditEvents' ? 'audit' : variant === 'sync' ? 'sync' : 'id')
  }
  switch (name) {
    case 'Int': return intHostiles(at.name)
    case 'Float': return [{ label: 'Float "NaN"', value: 'NaN' }, { label: 'Float 1e309', literal: '1e309', json: '1e309' }, { label: 'Boolean for Float', value: true }]
    case 'Boolean': return booleanHostiles(at.name)
    case 'ID': return idHostiles(at)
    case 'DateTime': return dateTimeHostiles()
    case 'LocalDate': return localDateHostiles()
    case 'Decimal': return decimalHostiles(at.name)
    case 'Currency': return currencyHostiles()
    default: return stringHostiles(at)
  }
}

function listHostiles(at: Position): Hostile[] {
  const element = Array.isArray(at.sample) && at.sample.length > 0 ? at.sample[0] : undefined
  // A list of ids has a limit (100); status and type filters may answer (or refuse) a giant list.
  const expect = at.name === 'ids' ? 'reject' : 'any'
  const length = typeof element === 'object' && element !== null ? GIANT_OBJECT_LIST : GIANT_LIST
  const giant: Hostile = { label: `${length.toLocaleString('en')}-entry list`, value: Array.from({ length }, () => element), giant: true, expect }
  return [
    ...(element === undefined ? [] : [giant]),
    { label: 'list with a null entry', value: [null] },
    { label: 'list of lists', value: [[element ?? 1]] },
  ]
}

function objectHostiles(at: Position): Hostile[] {
  const base = typeof at.sample === 'object' && at.sample !== null ? at.sample : {}
  return [
    { label: 'string for an object', value: 'nope' },
    { label: 'unknown input field', value: { ...base, nope: 1 } },
  ]
}

function intHostiles(name: string): Hostile[] {
  // 0 is a valid page size and grace period; everywhere else (versions, positions) counting starts at 1.
  const zeroIsValid = ['first', 'last', 'graceSeconds', 'overlapSeconds'].includes(name)
  return [
    { label: 'Int 2^31', value: 2 ** 31 },
    { label: 'Int 2^53+1', literal: '9007199254740993', json: '9007199254740993' },
    { label: 'Int 1e308', literal: '1e308', json: '1e308' },
    { label: 'Int 1.5', value: 1.5 },
    { label: 'Int "NaN"', value: 'NaN' },
    { label: 'Int -1', value: -1 },
    { label: 'Int 2^31-1', value: 2 ** 31 - 1 },
    ...(zeroIsValid ? [] : [{ label: 'Int 0', value: 0 }, { label: 'Int -0', literal: '-0', json: '-0' }]),
  ]
}

function booleanHostiles(name: string): Hostile[] {
  return [
    { label: 'Boolean "true" (string)', value: 'true' },
    { label: 'Boolean 1', value: 1 },
    // The one boolean whose false is refused (CONFIRMATION_REQUIRED); elsewhere false is a valid choice.
    ...(name === 'confirm' ? [{ label: 'confirm false', value: false }] : []),
  ]
}

function stringHostiles(at: Position): Hostile[] {
  const base = typeof at.sample === 'string' && at.sample.length > 0 ? at.sample : 'probe'
  return [
    // The valid value with one bad character, so only that character is wrong.
    { label: 'NUL byte', value: `${base}\u0000`, expect: 'any' },
    { label: 'lone surrogates', value: `\udfff${base}\ud800`, expect: 'any' },
    { label: '100 KB string', value: 'x'.repeat(100 * 1024), giant: true },
    { label: 'Int for a String', value: 123 },
  ]
}

function idHostiles(at: Position): Hostile[] {
  const type = at.idType ?? 'Job'
  // Under a filter an unknown id may simply match nothing.
  const expect = at.path[0] === 'filter' ? 'any' : 'reject'
  const ids: Hostile[] = [
    { label: 'id not base64', value: '%%not*base64%%' },
    { label: `id ${type}:<20 digits>`, value: b64(`${type}:99999999999999999999`) },
    { label: `id ${type}:9999999999999999999 (19 digits, > bigint)`, value: b64(`${type}:9999999999999999999`) },
    { label: `id ${type}:-1`, value: b64(`${type}:-1`) },
    { label: `id ${type}:1.5`, value: b64(`${type}:1.5`) },
    { label: `id "${type}: 1"`, value: b64(`${type}: 1`) },
    { label: `id ${type}:1 + NUL`, value: b64(`${type}:1\u0000`) },
    { label: 'id ""', value: '' },
    { label: 'id 10 KB', value: 'A'.repeat(10 * 1024), giant: true },
    { label: 'id with NUL', value: `${b64(`${type}:1`)}\u0000` },
    { label: 'id lone surrogate', value: '\ud800' },
    { label: 'id as Int 99999999999999999999', literal: '99999999999999999999', json: '99999999999999999999' },
    { label: 'id as Boolean', value: true },
    ...(at.otherTypeId ? [{ label: 'id of another type', value: at.otherTypeId }] : []),
  ]
  return ids.map((hostile) => ({ expect, ...hostile }))
}

function dateTimeHostiles(): Hostile[] {
  return [
    { label: 'DateTime 2026-13-45T99:99:99Z', value: '2026-13-45T99:99:99Z' },
    { label: 'DateTime 2026-02-30 (rolls over)', value: '2026-02-30T00:00:00Z' },
    { label: 'DateTime "yesterday"', value: 'yesterday' },
    { label: 'DateTime date only', value: '2026-01-01' },
    { label: 'DateTime without zone', value: '2026-01-01T00:00:00' },
    { label: 'DateTime +275760 (JS max)', value: '+275760-09-13T00:00:00.000Z' },
    { label: 'DateTime offset +99:99', value: '2026-01-01T00:00:00+99:99' },
    { label: 'DateTime epoch number', value: 1_700_000_000 },
    { label: 'DateTime + NUL', value: '2026-01-01T00:00:00Z\u0000' },
    { label: 'DateTime 100 KB', value: '2'.repeat(100 * 1024), giant: true },
    // Valid to the scalar, outside what PostgreSQL stores (year 0) or far away: data or a refusal.
    { label: 'DateTime year 0000', value: '0000-01-01T00:00:00Z', expect: 'any' },
    { label: 'DateTime year 9999', value: '9999-12-31T23:59:59Z', expect: 'any', queryOnly: true },
  ]
}

function localDateHostiles(): Hostile[] {
  return [
    { label: 'LocalDate 2026-02-30', value: '2026-02-30' },
    { label: 'LocalDate 2026-13-01', value: '2026-13-01' },
    { label: 'LocalDate year 0000', value: '0000-01-01' },
    { label: 'LocalDate 99999-01-01', value: '99999-01-01' },
    { label: 'LocalDate ""', value: '' },
    { label: 'LocalDate with time', value: '2026-01-01T00:00:00Z' },
    { label: 'LocalDate as Int', value: 20260101 },
    { label: 'LocalDate + NUL', value: '2026-01-01\u0000' },
    { label: 'LocalDate lone surrogate', value: '2026-01-01\ud800' },
  ]
}

function decimalHostiles(name: string): Hostile[] {
  const specific: Record<string, Hostile[]> = {
    quantity: [{ label: 'Decimal "0"', value: '0' }, { label: 'Decimal "-0"', value: '-0' }, { label: 'Decimal 1e10', value: '10000000000' }],
    taxRate: [{ label: 'Decimal "1.0001"', value: '1.0001' }],
    unitPrice: [{ label: 'Decimal 1e12', value: '1000000000000' }],
    unitCost: [{ label: 'Decimal 1e12', value: '1000000000000' }],
  }
  return [
    ...['NaN', '1e3', '1,5', '1.23456', '99999999999999.9999', '-1', '١٢٣'].map(
      (value) => ({ label: `Decimal ${JSON.stringify(value)}`, value }),
    ),
    { label: 'Decimal + NUL', value: '1.5\u0000' },
    { label: 'Decimal 100 KB of digits', value: '1'.repeat(100 * 1024), giant: true },
    { label: 'Decimal as Float 1.5', value: 1.5 },
    ...(specific[name] ?? []),
  ]
}

function currencyHostiles(): Hostile[] {
  return [
    ...['XYZ', '', 'USD\u0000', 'ÜSD'].map((value) => ({ label: `Currency ${JSON.stringify(value)}`, value })),
    { label: 'Currency as Int 840', value: 840 },
    { label: 'Currency 100 KB', value: 'U'.repeat(100 * 1024), giant: true },
  ]
}

function enumHostiles(values: string[]): Hostile[] {
  const first = values[0]!
  return [
    { label: 'enum unknown value', value: 'NOPE_NOT_A_VALUE' },
    { label: 'enum lower case', value: first.toLowerCase() === first ? first.toUpperCase() : first.toLowerCase() },
    { label: 'enum as quoted string literal', literal: JSON.stringify(first), value: first, only: 'literal' },
    { label: 'enum as Int', value: 1 },
    { label: 'enum + NUL', value: `${first}\u0000` },
  ]
}

/**
 * Cursors: the codec's own encoding (base64url JSON of a list of strings, src/records/read/
 * pagination.ts) with values no server ever wrote, and things that are not cursors at all.
 * A decodable one the server could not have written may be refused or answer a page ('any'),
 * never a masked error. Kinds: 'id' (creation order), 'sync' (a list under filter.updatedSince),
 * 'audit' (auditEvents, always by time), 'deleted' (deletedRecords: [deletedAt, type, id]).
 */
function cursorHostiles(kind: 'id' | 'sync' | 'audit' | 'deleted'): Hostile[] {
  const raw = (text: string) => Buffer.from(text).toString('base64url')
  const crafted = (parts: string[], expect: 'reject' | 'any' = 'any'): Hostile => ({ label: `cursor ${JSON.stringify(parts)}`, value: packCursor(parts), expect })
  const badTimes = ['0', '12', '-1', 'June 31, 2026', '2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '-271821-04-20T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z', '2026-01-01T00:00:00+23:59']
  const badIds = ['9999999999999999999', '9223372036854775808', '-1', '1\u0000']
  const good = '2026-01-01 00:00:00.000001+00'
  if (kind === 'sync') {
    // The shapes were probed in creation order already; here only what reaches the sync statement.
    return [...badTimes.map((time) => crafted(['s', time, '1'])), ...badIds.map((id) => crafted(['s', good, id])), crafted(['i', '1'], 'reject')]
  }
  const hostiles: Hostile[] = [
    ['not base64', '%%%not-a-cursor%%%'], ['base64 of "hello"', raw('hello')], ['JSON object', raw('{"id":"1"}')],
    ['JSON list of numbers', raw('[1,2]')], ['[]', packCursor([])], ['["x","1"]', packCursor(['x', '1'])],
    ['with a trailing NUL (lenient base64)', `${packCursor(['i', '1'])}\u0000`], ['lone surrogate', '\ud800'],
    ['JSON with a lone surrogate', raw('["i","\\ud800"]')],
  ].map(([label, value]) => ({ label: `cursor ${label}`, value }))
  hostiles.push({ label: 'cursor 10 KB', value: 'A'.repeat(10 * 1024), giant: true })
  hostiles.push({ label: 'cursor 100 KB packed', value: packCursor(['i', '1'.repeat(100 * 1024)]), giant: true })
  if (kind === 'deleted') {
    hostiles.push(...badTimes.map((time) => crafted([time, 'Job', '1'])), ...badIds.map((id) => crafted([good, 'Job', id])))
    hostiles.push(...['Nope', 'Job\u0000', 'x'.repeat(5000)].map((type) => crafted([good, type, '1'])))
    hostiles.push(crafted(['i', '1'], 'reject'), crafted([good, 'Job'], 'reject'), crafted([good, 'Job', '1', 'x'], 'reject'))
  } else if (kind === 'audit') {
    hostiles.push(...badTimes.map((time) => crafted(['s', time, '1'])), ...badIds.map((id) => crafted(['s', good, id])))
    hostiles.push(crafted(['i', '1'], 'reject'), crafted(['s', good], 'reject'), crafted(['s', good, '1', 'x'], 'reject'))
  } else {
    hostiles.push(...badIds.map((id) => crafted(['i', id])), crafted(['i'], 'reject'), crafted(['i', '1', '2'], 'reject'))
    hostiles.push(crafted(['s', good, '1'], 'reject'))
  }
  return hostiles
}
