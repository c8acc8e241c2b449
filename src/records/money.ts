/**
 * THE money rules, for orders written through the API and for generated ones alike. Values are
 * scaled integers (BigInt): quantities, unit amounts and tax rates in ten-thousandths (numeric(…, 4)),
 * amounts and totals in cents (numeric(…, 2)). Floats never touch a stored value, so an order's
 * total is always the exact sum of its lines and PostgreSQL's own numeric arithmetic agrees.
 * A line's amount is round(quantity × unit amount, 2), its tax round(amount × rate, 2), half away
 * from zero as PostgreSQL's round() does; totals are sums of those rounded figures.
 */

/** Ten-thousandths per unit: the scale of quantity, unit price or cost, and tax rate. */
export const E4 = 10_000n

/** Divides a non-negative scaled value, rounding half away from zero. */
function divideRounded(value: bigint, divisor: bigint): bigint {
  if (value < 0n) throw new RangeError('money here is never negative')
  return (value + divisor / 2n) / divisor
}

/** A line's amount in cents: round(quantity × unit amount, 2), both in ten-thousandths. */
export function lineAmountCents(quantityE4: bigint, unitAmountE4: bigint): bigint {
  // The product is in 10^-8; cents are 10^-2.
  return divideRounded(quantityE4 * unitAmountE4, 1_000_000n)
}

/** A line's tax in cents: round(amount × tax rate, 2). An order's tax is the sum of its lines' taxes. */
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

/** Reads a decimal literal of at most four decimals ("12", "0.0825") as ten-thousandths. */
export function parseE4(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(text.trim())
  if (!match) throw new RangeError(`not a decimal of at most 4 places: ${text}`)
  const value = BigInt(match[2]!) * E4 + BigInt((match[3] ?? '').padEnd(4, '0'))
  return match[1] ? -value : value
}

/** Order totals from line amounts and taxes, all in cents. */
export interface OrderTotals {
  subtotal: bigint
  taxTotal: bigint
  total: bigint
}

/** Sums lines into order totals: subtotal = Σ amount, tax total = Σ line tax, total = both. */
export function orderTotals(lines: readonly { amountCents: bigint; taxCents: bigint }[]): OrderTotals {
  let subtotal = 0n
  let taxTotal = 0n
  for (const line of lines) {
    subtotal += line.amountCents
    taxTotal += line.taxCents
  }
  return { subtotal, taxTotal, total: subtotal + taxTotal }
}

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

/** Prices a client's lines and totals the order, by the rules above. */
export function priceLines(lines: readonly LineInput[]): { lines: PricedLine[]; totals: Totals } {
  const figures = lines.map((line) => {
    const amountCents = lineAmountCents(parseE4(line.quantity), parseE4(line.unitAmount))
    const taxRateE4 = parseE4(line.taxRate ?? '0')
    return { amountCents, taxRateE4, taxCents: lineTaxCents(amountCents, taxRateE4) }
  })
  const totals = orderTotals(figures)
  return {
    lines: lines.map((line, index) => ({
      ...line,
      position: index + 1,
      taxRate: formatScaled(figures[index]!.taxRateE4, 4),
      amount: formatScaled(figures[index]!.amountCents, 2),
    })),
    totals: { subtotal: formatScaled(totals.subtotal, 2), taxTotal: formatScaled(totals.taxTotal, 2), total: formatScaled(totals.total, 2) },
  }
}
