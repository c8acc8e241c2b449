import type { Faker } from '@faker-js/faker'
import type { PurchaseOrderStatus, SalesOrderStatus } from '../db/types.js'
import { formatScaled, lineAmountCents, lineTaxCents, orderTotals } from '../records/money.js'
import { COLORS, DECORATIONS, ORDER_QUANTITIES, PRODUCT_TYPES, SERVICE_CHARGES } from './vocabulary.js'

/** One order line as it is stored; numerics are exact decimal strings. */
export interface SeedOrderLine {
  position: number
  sku: string | null
  description: string
  quantity: string
  /** unit_price on a sales order line, unit_cost on a purchase order line. */
  unitPrice: string
  taxRate: string
  amount: string
}

/** Totals and lines shared by sales and purchase orders. */
export interface SeedOrderBody {
  currency: string
  subtotal: string
  taxTotal: string
  total: string
  lines: SeedOrderLine[]
}

/** A sellable item of one business's catalogue; prices in ten-thousandths of a currency unit. */
export interface CatalogItem {
  sku: string | null
  description: string
  priceE4: bigint
  /** Services are billed once (or by the hour); goods by the piece in trade quantities. */
  service: boolean
}

const PRODUCT_COUNT = 80

/** Builds a business's catalogue: decorated goods with their prices, and a few service charges. */
export function buildCatalog(faker: Faker): CatalogItem[] {
  const items: CatalogItem[] = []
  const skus = new Set<string>()
  for (let i = 0; i < PRODUCT_COUNT; i++) {
    const type = faker.helpers.arrayElement(PRODUCT_TYPES)
    let sku: string
    do sku = `${type.code}-${faker.string.numeric(4)}`
    while (skus.has(sku))
    skus.add(sku)
    const color = faker.helpers.arrayElement(COLORS)
    const decoration = faker.helpers.arrayElement(DECORATIONS)
    items.push({
      sku,
      description: `${type.name}, ${color}, ${decoration}`,
      priceE4: priceE4(faker, type.minPrice, type.maxPrice),
      service: false,
    })
  }
  for (const charge of SERVICE_CHARGES) {
    items.push({
      // Art time is billed without a catalogue number, as many distributors do.
      sku: charge.code === 'ART' ? null : charge.code,
      description: charge.name,
      priceE4: priceE4(faker, charge.minPrice, charge.maxPrice),
      service: true,
    })
  }
  return items
}

/** A price drawn in whole ten-thousandths (goods are often priced to the tenth of a cent). */
function priceE4(faker: Faker, min: number, max: number): bigint {
  return BigInt(faker.number.int({ min: Math.round(min * 1000), max: Math.round(max * 1000) })) * 10n
}

/** How many lines an order gets: `mean` on average, spread ±50 %, at most 500 (the API's cap). */
export function lineCount(faker: Faker, mean: number): number {
  if (mean <= 1) return mean
  const spread = Math.floor(mean / 2)
  return faker.number.int({ min: mean - spread, max: Math.min(500, mean + spread) })
}

/**
 * Builds an order's lines and exact totals. `costPercent` turns catalogue prices into supplier
 * costs (purchase orders); every line is taxed at `taxRateE4`.
 */
export function buildOrderBody(
  faker: Faker,
  catalog: readonly CatalogItem[],
  count: number,
  currency: string,
  taxRateE4: number,
  costPercent?: number,
): SeedOrderBody {
  const rate = BigInt(taxRateE4)
  const taxRate = formatScaled(rate, 4)
  const lines: SeedOrderLine[] = []
  const money: { amountCents: bigint; taxCents: bigint }[] = []
  for (let position = 1; position <= count; position++) {
    const item = faker.helpers.arrayElement(catalog)
    const quantityE4 = item.service
      ? BigInt(faker.number.int({ min: 4, max: 12 })) * 2_500n // 1 to 3 units in quarters
      : BigInt(faker.helpers.arrayElement(ORDER_QUANTITIES)) * 10_000n
    const unitE4 =
      costPercent === undefined ? item.priceE4 : (item.priceE4 * BigInt(costPercent) + 50n) / 100n
    const amountCents = lineAmountCents(quantityE4, unitE4)
    const taxCents = lineTaxCents(amountCents, rate)
    money.push({ amountCents, taxCents })
    lines.push({
      position,
      sku: item.sku,
      description: item.description,
      quantity: formatScaled(quantityE4, 4),
      unitPrice: formatScaled(unitE4, 4),
      taxRate,
      amount: formatScaled(amountCents, 2),
    })
  }
  const totals = orderTotals(money)
  return {
    currency,
    subtotal: formatScaled(totals.subtotal, 2),
    taxTotal: formatScaled(totals.taxTotal, 2),
    total: formatScaled(totals.total, 2),
    lines,
  }
}

/** A sales order's status from its age in days at the reference date: old orders are paid. */
export function salesOrderStatus(faker: Faker, ageDays: number): SalesOrderStatus {
  if (ageDays < 0) return 'PENDING'
  if (ageDays < 30) return faker.helpers.weightedArrayElement([{ value: 'PENDING', weight: 2 }, { value: 'OPEN', weight: 8 }])
  if (ageDays < 90) {
    return faker.helpers.weightedArrayElement([
      { value: 'OPEN', weight: 2 }, { value: 'INVOICED', weight: 5 }, { value: 'PAID', weight: 3 },
    ])
  }
  return faker.helpers.weightedArrayElement([{ value: 'INVOICED', weight: 1 }, { value: 'PAID', weight: 9 }])
}

/** A purchase order's status from its age in days at the reference date: old orders are closed. */
export function purchaseOrderStatus(faker: Faker, ageDays: number): PurchaseOrderStatus {
  if (ageDays < 0) return 'DRAFT'
  if (ageDays < 21) {
    return faker.helpers.weightedArrayElement([
      { value: 'DRAFT', weight: 2 }, { value: 'ORDERED', weight: 6 }, { value: 'RECEIVED', weight: 2 },
    ])
  }
  if (ageDays < 90) {
    return faker.helpers.weightedArrayElement([
      { value: 'RECEIVED', weight: 3 }, { value: 'BILLED', weight: 5 }, { value: 'CLOSED', weight: 2 },
    ])
  }
  return faker.helpers.weightedArrayElement([{ value: 'BILLED', weight: 1 }, { value: 'CLOSED', weight: 9 }])
}

const DAY_MS = 86_400_000

/** Calendar days as 'YYYY-MM-DD', counted from a reference day; cached, orders reuse few days. */
export class Calendar {
  private readonly origin: number
  private readonly cache = new Map<number, string>()

  constructor(referenceDate: string) {
    this.origin = Date.parse(`${referenceDate}T00:00:00Z`)
    if (Number.isNaN(this.origin)) throw new RangeError(`Not a date: ${referenceDate}`)
  }

  /** The day `offset` days after the reference day (negative: before it). */
  day(offset: number): string {
    let text = this.cache.get(offset)
    if (text === undefined) {
      text = new Date(this.origin + offset * DAY_MS).toISOString().slice(0, 10)
      this.cache.set(offset, text)
    }
    return text
  }
}
