import { JobRef } from './jobs/jobs.graphql.js'
import { relationField } from '../records/fields/relation-fields.js'
import type { Resource } from '../records/resource.js'

/**
 * Fields sales and purchase orders share, and their lines' fields: the two order types differ
 * only in their counterparty (client / supplier), status list and the name of a line's price
 * (unitPrice / unitCost). Typed loosely on purpose: Pothos's field builder is generic per type.
 */

/** Number, order date, currency and the server-computed totals, plus the order's job. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function orderFields(t: any, resource: Resource) {
  return {
    number: t.exposeInt('number', { description: 'Unique within the business.' }),
    orderDate: t.field({ type: 'LocalDate', resolve: (order: { order_date: string }) => order.order_date }),
    currency: t.field({ type: 'Currency', resolve: (order: { currency: string }) => order.currency }),
    subtotal: t.field({ type: 'Decimal', description: 'Sum of the line amounts.', resolve: (order: { subtotal: string }) => order.subtotal }),
    taxTotal: t.field({ type: 'Decimal', description: 'Sum of each line\'s tax, rounded per line.', resolve: (order: { tax_total: string }) => order.tax_total }),
    total: t.field({ type: 'Decimal', description: 'subtotal + taxTotal.', resolve: (order: { total: string }) => order.total }),
    job: relationField(t, resource, 'job', JobRef),
  }
}

/** A line's fields; `price` names the unit amount field and its column. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function orderLineFields(t: any, price: { field: 'unitPrice' | 'unitCost'; column: 'unit_price' | 'unit_cost' }) {
  type Line = Record<string, string>
  return {
    position: t.exposeInt('position', { description: 'Line number, from 1, in display order.' }),
    sku: t.exposeString('sku', { nullable: true }),
    description: t.exposeString('description'),
    quantity: t.field({ type: 'Decimal', resolve: (line: Line) => line.quantity }),
    [price.field]: t.field({ type: 'Decimal', resolve: (line: Line) => line[price.column] }),
    taxRate: t.field({ type: 'Decimal', description: 'A fraction: "0.0825" is 8.25 %.', resolve: (line: Line) => line.tax_rate }),
    amount: t.field({
      type: 'Decimal',
      description: `quantity × ${price.field}, rounded half-up to cents.`,
      resolve: (line: Line) => line.amount,
    }),
  }
}
