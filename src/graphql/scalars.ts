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

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-](\d{2}):(\d{2}))$/

function parseDateTime(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE_TIME.exec(value) : null
  const [year, month, day, hour, minute, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    ? [match[1], match[2], match[3], match[4], match[5], match[6], match[9], match[10]].map((part) => (part === undefined ? undefined : Number(part)))
    : []
  if (
    !match || !isCalendarDate(year!, month!, day!) || hour! > 23 || minute! > 59 || second > 59 ||
    offsetHours > 15 || offsetMinutes > 59
  ) {
    throw new TypeError('DateTime must be a real time as an ISO 8601 string with a time zone, e.g. "2026-11-25T10:00:00Z".')
  }
  // The offset can carry a time at the calendar's edge past it (9999-12-31T23:59-15:00 is year 10000 in UTC).
  const instant = new Date(value as string)
  if (instant.getTime() < FIRST_INSTANT || instant.getTime() > LAST_INSTANT) {
    throw new TypeError('DateTime must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.')
  }
  return instant
}

/** 0001-01-01T00:00:00Z (Date.UTC reads years below 100 as 19xx, so it is written out). */
const FIRST_INSTANT = -62_135_596_800_000
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

/**
 * Whether a year, month and day name a day of the calendar PostgreSQL and JavaScript share (years
 * 1 to 9999). JavaScript would roll 2026-02-30 over into March, and PostgreSQL refuses year 0:
 * both are refused here, at the door, rather than by a failing statement or a silent shift.
 */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1)) return false
  const date = new Date(Date.UTC(2000, month - 1, day))
  date.setUTCFullYear(year)
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** graphql-scalars' LocalDate, with the calendar check above (it lets year 0000 through). */
const checkedLocalDate = (value: unknown): unknown => {
  const match = typeof value === 'string' ? LOCAL_DATE.exec(value) : null
  if (match && !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new TypeError('LocalDate must be a real date between 0001-01-01 and 9999-12-31.')
  }
  return value
}

const localDateConfig = LocalDateResolver.toConfig()

export const LocalDateScalar = new GraphQLScalarType({
  ...localDateConfig,
  // Dates leave PostgreSQL as its ISO text, real days of years 1 to 9999 (the inputs were checked
  // on the way in): the shape suffices. graphql-scalars re-parses every one through Date, which
  // was 2-4 % of a date-heavy read's CPU. Anything else still gets its full check.
  serialize: (value) => (typeof value === 'string' && LOCAL_DATE.test(value) ? value : localDateConfig.serialize(value)),
  parseValue: (value) => LocalDateResolver.parseValue(checkedLocalDate(value)),
  parseLiteral: (ast, variables) => {
    if (ast.kind === Kind.STRING) checkedLocalDate(ast.value)
    return LocalDateResolver.parseLiteral(ast, variables)
  },
})

export {
  CurrencyResolver as CurrencyScalar,
  EmailAddressResolver as EmailAddressScalar,
  JSONObjectResolver as JSONObjectScalar,
}
