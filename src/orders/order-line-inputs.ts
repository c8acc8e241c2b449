import { Decimal } from 'decimal.js'
import { type SchemaTypes, builder } from '../graphql/builder.js'

/**
 * The GraphQL inputs for order lines, shared by sales orders (`unitPrice`) and purchase orders
 * (`unitCost`): one definition, so both validate alike. Every limit is in the field's description
 * and checked by the zod plugin, which reports all violations together, each naming its field.
 */

type InputFields = PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>
export type PriceField = 'unitPrice' | 'unitCost'

/** Lines per order: the contract's limit. */
export const MAX_LINES = 500
const SKU_MAX = 64
const DESCRIPTION_MAX = 500

// The Decimal scalar has checked the form (digits, at most 4 decimals); these check the range.
// Upper bounds are the columns' precision: numeric(14,4) for quantities, numeric(16,4) for prices.
const quantityChecks: [(value: string) => boolean, { message: string }][] = [
  [(value) => new Decimal(value).gt(0), { message: 'Must be greater than 0.' }],
  [(value) => new Decimal(value).lt('1e10'), { message: 'Must be less than 10000000000.' }],
]
const priceChecks: [(value: string) => boolean, { message: string }][] = [
  [(value) => new Decimal(value).gte(0), { message: 'Must not be negative.' }],
  [(value) => new Decimal(value).lt('1e12'), { message: 'Must be less than 1000000000000.' }],
]
const taxRateChecks: [(value: string) => boolean, { message: string }][] = [
  [(value) => new Decimal(value).gte(0) && new Decimal(value).lte(1), { message: 'Must be a fraction from 0 to 1.' }],
]

/** A line's own fields; on an update of a line every one is optional. */
function lineFields<Price extends PriceField, Required extends boolean>(t: InputFields, price: Price, required: Required) {
  const unitAmount = t.field({
    type: 'Decimal',
    required,
    description: `${price === 'unitPrice' ? 'Price' : 'Cost'} of one unit: at least 0, less than 1000000000000, at most 4 decimal places.`,
    validate: { refine: priceChecks },
  })
  return {
    sku: t.string({ description: `Stock keeping unit: at most ${SKU_MAX} characters.`, validate: { maxLength: SKU_MAX } }),
    description: t.string({
      required,
      description: `1–${DESCRIPTION_MAX} characters.`,
      validate: { minLength: 1, maxLength: DESCRIPTION_MAX },
    }),
    quantity: t.field({
      type: 'Decimal',
      required,
      description: 'Greater than 0, less than 10000000000, at most 4 decimal places.',
      validate: { refine: quantityChecks },
    }),
    ...({ [price]: unitAmount } as Record<Price, typeof unitAmount>),
    taxRate: t.field({
      type: 'Decimal',
      description: 'Tax as a fraction from 0 to 1 ("0.0825" is 8.25 %), at most 4 decimal places. Default 0.',
      validate: { refine: taxRateChecks },
    }),
  }
}

/** `<Order>LineInput` (a new line) and `<Order>LineUpdateInput` (changes to a line at a position). */
export function lineInputTypes<Price extends PriceField>(order: 'SalesOrder' | 'PurchaseOrder', price: Price) {
  const line = builder.inputType(`${order}LineInput`, {
    description: 'A line. Its amount (quantity × unit amount, rounded half up to cents) and tax are computed by the server.',
    fields: (t) => lineFields(t, price, true),
  })
  const lineUpdate = builder.inputType(`${order}LineUpdateInput`, {
    description: 'Changes to the line at `position` (as numbered before this update); fields left out stay as they are.',
    fields: (t) => ({
      position: t.int({ required: true, description: 'The line’s current position, from 1.', validate: { min: 1 } }),
      ...lineFields(t, price, false),
    }),
  })
  return { line, lineUpdate }
}

/** The line fields of an order update: replace every line, or patch some. */
export function lineChangeFields(t: InputFields, types: ReturnType<typeof lineInputTypes>) {
  return {
    lines: t.field({
      type: [types.line],
      description: `Replaces every line (at most ${MAX_LINES}). Not together with addLines, updateLines or removeLines.`,
      validate: { maxLength: MAX_LINES },
    }),
    addLines: t.field({
      type: [types.line],
      description: `Lines appended after the others. Afterwards lines are numbered 1..n again, at most ${MAX_LINES}.`,
      validate: { maxLength: MAX_LINES },
    }),
    updateLines: t.field({
      type: [types.lineUpdate],
      description: 'Changes to lines, each named by its current position (a missing position is NOT_FOUND).',
      validate: { maxLength: MAX_LINES },
    }),
    removeLines: t.intList({
      description: 'Current positions of lines to remove (a missing position is NOT_FOUND).',
      validate: { maxLength: MAX_LINES, items: { min: 1 } },
    }),
  }
}

/** For an update input's `validate`: `lines` (replace) and the patch fields exclude each other. */
export const linesReplaceOrPatch: [(input: Record<string, unknown>) => boolean, { message: string; path: string[] }] = [
  (input) => input.lines == null || (input.addLines == null && input.updateLines == null && input.removeLines == null),
  { message: 'Send either `lines` (replace every line) or addLines / updateLines / removeLines, not both.', path: ['lines'] },
]
