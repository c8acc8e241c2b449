import { Decimal as DefaultDecimal } from 'decimal.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatScaled, parseE4, priceLines } from '../../src/records/money.js'

/**
 * The one money module, checked as a pure function: against an independent decimal implementation
 * over random lines (fast-check; the seed is printed on failure and replayable with
 * FC_SEED=<seed>), and on the cases that round.
 */

const decimal4 = fc
  .tuple(fc.bigInt({ min: 0n, max: 99_999_999n }), fc.integer({ min: 0, max: 9999 }))
  .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(4, '0')}`.replace(/\.?0+$/, '') || '0')
const rate = fc.integer({ min: 0, max: 10_000 }).map((e4) => formatScaled(BigInt(e4), 4))

// decimal.js keeps 20 significant digits by default, too few for 10^10 × 10^12 with 8 decimals.
const Decimal = DefaultDecimal.clone({ precision: 60 })

function reference(lines: Array<{ quantity: string; unitAmount: string; taxRate: string }>) {
  let subtotal = new Decimal(0)
  let tax = new Decimal(0)
  const amounts = lines.map((line) => {
    const amount = new Decimal(line.quantity).times(line.unitAmount).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
    subtotal = subtotal.plus(amount)
    tax = tax.plus(amount.times(line.taxRate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP))
    return amount.toFixed(2)
  })
  return { amounts, subtotal: subtotal.toFixed(2), taxTotal: tax.toFixed(2), total: subtotal.plus(tax).toFixed(2) }
}

describe('money', () => {
  it('prices lines exactly as decimal arithmetic does, over random lines', () => {
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31)
    const lineArb = fc.record({ description: fc.constant('x'), quantity: decimal4, unitAmount: decimal4, taxRate: rate })
    try {
      fc.assert(
        fc.property(fc.array(lineArb, { minLength: 1, maxLength: 20 }), (lines) => {
          const { lines: priced, totals } = priceLines(lines)
          const expected = reference(lines)
          expect(priced.map((line) => line.amount)).toEqual(expected.amounts)
          expect(totals).toEqual({ subtotal: expected.subtotal, taxTotal: expected.taxTotal, total: expected.total })
        }),
        { seed, numRuns: 300 },
      )
    } catch (error) {
      throw new Error(`money property failed; replay with FC_SEED=${seed}\n${(error as Error).message}`)
    }
  })

  it('rounds half up to cents, line by line, and the lines add up to the order', () => {
    const { lines, totals } = priceLines([
      { description: 'a', quantity: '3', unitAmount: '0.005', taxRate: '0.0825' },
      { description: 'b', quantity: '1.5', unitAmount: '19.99' },
    ])
    expect(lines.map((line) => [line.amount, line.taxRate])).toEqual([['0.02', '0.0825'], ['29.99', '0.0000']])
    expect(totals).toEqual({ subtotal: '30.01', taxTotal: '0.00', total: '30.01' })
  })

  it('reads and writes scaled decimals', () => {
    expect(parseE4('12')).toBe(120_000n)
    expect(parseE4('0.0825')).toBe(825n)
    expect(parseE4('-1.5')).toBe(-15_000n)
    expect(formatScaled(5n, 2)).toBe('0.05')
    expect(() => parseE4('1.23456')).toThrow(RangeError)
  })
})
