/**
 * Exact money for generated orders. Values are scaled integers (BigInt): quantities, unit prices,
 * unit costs and tax rates in ten-thousandths (numeric(…, 4)), amounts and totals in cents
 * (numeric(…, 2)). Floats never touch a stored value, so a total is always the exact sum of its lines
 * and the database's own numeric arithmetic agrees with it.
 */

/** Ten-thousandths per unit: the scale of quantity, unit_price, unit_cost and tax_rate. */
export const E4 = 10_000n

/** Divides a non-negative scaled value, rounding half away from zero as PostgreSQL's round() does. */
function divideRounded(value: bigint, divisor: bigint): bigint {
  if (value < 0n) throw new RangeError('seed money is never negative')
  return (value + divisor / 2n) / divisor
}

/** A line's amount in cents: round(quantity × unit price, 2), both in ten-thousandths. */
export function lineAmountCents(quantityE4: bigint, unitPriceE4: bigint): bigint {
  // The product is in 10^-8; cents are 10^-2.
  return divideRounded(quantityE4 * unitPriceE4, 1_000_000n)
}

/** A line's tax in cents: round(amount × tax rate, 2). Order tax is the sum of its lines' taxes. */
export function lineTaxCents(amountCents: bigint, taxRateE4: bigint): bigint {
  return divideRounded(amountCents * taxRateE4, E4)
}

/** Formats a scaled integer as a numeric literal with `scale` decimals, e.g. (12345n, 2) → "123.45". */
export function formatScaled(value: bigint, scale: 2 | 4): string {
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0')
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/** Order totals from line amounts and taxes, all in cents. */
export interface OrderTotals {
  subtotal: bigint
  taxTotal: bigint
  total: bigint
}

/** Sums lines into order totals: subtotal = Σ amount, tax_total = Σ line tax, total = both. */
export function orderTotals(lines: readonly { amountCents: bigint; taxCents: bigint }[]): OrderTotals {
  let subtotal = 0n
  let taxTotal = 0n
  for (const line of lines) {
    subtotal += line.amountCents
    taxTotal += line.taxCents
  }
  return { subtotal, taxTotal, total: subtotal + taxTotal }
}
