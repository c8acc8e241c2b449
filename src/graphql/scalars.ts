import { GraphQLScalarType, Kind } from 'graphql'
import { CurrencyResolver, EmailAddressResolver, JSONObjectResolver, LocalDateResolver } from 'graphql-scalars'

/**
 * Exact decimal numbers as strings ("1234.50"): money never passes through a float. Accepts a
 * string (or, leniently, an integer) on input; always answers a string.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number as a string, e.g. "1234.50". Money and quantities use it so no value is ever rounded through a float.',
  serialize: (value) => String(value),
  parseValue: (value) => parseDecimal(value),
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseDecimal(ast.value)
    throw new TypeError('Decimal must be a string such as "12.50".')
  },
})

const DECIMAL_PATTERN = /^-?\d{1,14}(\.\d{1,4})?$/

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : value
  if (typeof text !== 'string' || !DECIMAL_PATTERN.test(text.trim())) {
    throw new TypeError('Decimal must be a string of up to 14 integer and 4 fraction digits, such as "12.50".')
  }
  return text.trim()
}

/** Timestamps: Date from SQL rows, ISO strings from nested JSON; both answer the same ISO string. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'A point in time, as an ISO 8601 string in UTC, e.g. "2026-11-25T10:00:00.000Z".',
  serialize: (value) => {
    const date = value instanceof Date ? value : new Date(String(value))
    if (Number.isNaN(date.getTime())) throw new TypeError('DateTime cannot represent an invalid date.')
    return date.toISOString()
  },
  parseValue: (value) => parseDateTime(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new TypeError('DateTime must be an ISO 8601 string.')
    return parseDateTime(ast.value)
  },
})

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
    throw new TypeError('DateTime must be an ISO 8601 string with a time zone, e.g. "2026-11-25T10:00:00Z".')
  }
  return new Date(value)
}

export {
  CurrencyResolver as CurrencyScalar,
  EmailAddressResolver as EmailAddressScalar,
  JSONObjectResolver as JSONObjectScalar,
  LocalDateResolver as LocalDateScalar,
}
