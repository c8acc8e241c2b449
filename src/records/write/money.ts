import { Decimal } from 'decimal.js'

/** A line as a client sends it: quantity, a unit price or cost, a tax rate (a fraction). */
export interface LineInput {
  sku?: string | null
  description: string
  quantity: string
  unitAmount: string
  taxRate?: string | null
}

export interface PricedLine extends LineInput {
  position: number
  taxRate: string
  amount: string
}

export interface Totals {
  subtotal: string
  taxTotal: string
  total: string
}

const CENTS = 2

/**
 * Prices lines and totals an order in exact decimal arithmetic: a line's amount is quantity ×
 * unit amount rounded half-up to cents, its tax is amount × rate rounded the same way, and the
 * totals are sums of those rounded figures, so the lines always add up to the order.
 */
export function priceLines(lines: readonly LineInput[]): { lines: PricedLine[]; totals: Totals } {
  let subtotal = new Decimal(0)
  let taxTotal = new Decimal(0)
  const priced = lines.map((line, index) => {
    const amount = new Decimal(line.quantity).times(line.unitAmount).toDecimalPlaces(CENTS, Decimal.ROUND_HALF_UP)
    const taxRate = new Decimal(line.taxRate ?? 0)
    subtotal = subtotal.plus(amount)
    taxTotal = taxTotal.plus(amount.times(taxRate).toDecimalPlaces(CENTS, Decimal.ROUND_HALF_UP))
    return { ...line, position: index + 1, taxRate: taxRate.toString(), amount: amount.toFixed(CENTS) }
  })
  return {
    lines: priced,
    totals: { subtotal: subtotal.toFixed(CENTS), taxTotal: taxTotal.toFixed(CENTS), total: subtotal.plus(taxTotal).toFixed(CENTS) },
  }
}
