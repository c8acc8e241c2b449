import { type RawBuilder, sql } from 'kysely'
import { unnestRows } from './bulk-insert.js'
import type { BusinessGenerator, SeedJobBatch, SeedOrderLine } from './generate.js'

/** Ids of a business's rows that jobs and orders point at, by generation index. */
export interface ParentIds {
  repIds: readonly string[]
  contactIds: readonly string[]
  supplierIds: readonly string[]
}

/** Jobs generated between two turns of the event loop, so a statement in flight keeps moving. */
const JOBS_PER_TURN = 100

/** Generates `count` jobs with their orders, yielding to the event loop now and then. */
export async function generateJobs(generator: BusinessGenerator, count: number): Promise<SeedJobBatch> {
  const batch: SeedJobBatch = { jobs: [], salesOrders: [], purchaseOrders: [] }
  for (let done = 0; done < count; done += JOBS_PER_TURN) {
    const part = generator.jobBatch(Math.min(JOBS_PER_TURN, count - done))
    batch.jobs.push(...part.jobs)
    batch.salesOrders.push(...part.salesOrders)
    batch.purchaseOrders.push(...part.purchaseOrders)
    await yieldToEventLoop()
  }
  return batch
}

/** Lets pending I/O (a statement still being written to the socket, say) proceed. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * One statement inserting a batch of jobs, their sales and purchase orders and the orders' lines.
 * The database assigns the ids; children find their parent's id by joining on its number (unique
 * per business) in the rows the parent insert returns. Needing no ids from the client, the next
 * batch can be prepared while this one runs, and the whole batch is one round trip. Foreign keys
 * are checked at the end of the statement, when parents and children are all in place.
 */
export function jobBatchStatement(businessId: string, batch: SeedJobBatch, parents: ParentIds): RawBuilder<unknown> {
  const byIndex = (ids: readonly string[], index: number | null) => (index === null ? null : ids[index] ?? null)
  const jobs = unnestRows('j', JOB_COLUMNS, batch.jobs.map((job) => ({
    number: job.number, name: job.name, status: job.status, client_id: byIndex(parents.contactIds, job.clientIndex),
    owner_id: byIndex(parents.repIds, job.ownerIndex), in_hands_date: job.inHandsDate,
  })))
  const salesOrders = unnestRows('o', SALES_ORDER_COLUMNS, batch.salesOrders.map((order) => ({
    number: order.number, job_number: order.jobNumber, status: order.status, order_date: order.orderDate,
    due_date: order.dueDate, currency: order.currency, subtotal: order.subtotal, tax_total: order.taxTotal,
    total: order.total,
  })))
  const purchaseOrders = unnestRows('o', PURCHASE_ORDER_COLUMNS, batch.purchaseOrders.map((order) => ({
    number: order.number, job_number: order.jobNumber, supplier_id: parents.supplierIds[order.supplierIndex],
    status: order.status, order_date: order.orderDate, expected_date: order.expectedDate, currency: order.currency,
    subtotal: order.subtotal, tax_total: order.taxTotal, total: order.total,
  })))
  const salesLines = unnestRows('l', LINE_COLUMNS, lineRows(batch.salesOrders))
  const purchaseLines = unnestRows('l', LINE_COLUMNS, lineRows(batch.purchaseOrders))
  const business = sql`${businessId}::int8`

  return sql`
    with new_jobs as (
      insert into jobs (business_id, number, name, status, client_id, owner_id, in_hands_date)
      select ${business}, j.* from ${jobs}
      returning id, number, client_id
    ), new_sales_orders as (
      insert into sales_orders (business_id, number, job_id, client_id, status, order_date, due_date, currency,
                                subtotal, tax_total, total)
      select ${business}, o.number, job.id, job.client_id, o.status, o.order_date, o.due_date, o.currency,
             o.subtotal, o.tax_total, o.total
      from ${salesOrders} join new_jobs job on job.number = o.job_number
      returning id, number
    ), new_sales_lines as (
      insert into sales_order_lines (business_id, sales_order_id, position, sku, description, quantity, unit_price,
                                     tax_rate, amount)
      select ${business}, orders.id, l.position, l.sku, l.description, l.quantity, l.unit_price, l.tax_rate, l.amount
      from ${salesLines} join new_sales_orders orders on orders.number = l.order_number
    ), new_purchase_orders as (
      insert into purchase_orders (business_id, number, job_id, supplier_id, status, order_date, expected_date,
                                   currency, subtotal, tax_total, total)
      select ${business}, o.number, job.id, o.supplier_id, o.status, o.order_date, o.expected_date, o.currency,
             o.subtotal, o.tax_total, o.total
      from ${purchaseOrders} join new_jobs job on job.number = o.job_number
      returning id, number
    )
    insert into purchase_order_lines (business_id, purchase_order_id, position, sku, description, quantity, unit_cost,
                                      tax_rate, amount)
    select ${business}, orders.id, l.position, l.sku, l.description, l.quantity, l.unit_price, l.tax_rate, l.amount
    from ${purchaseLines} join new_purchase_orders orders on orders.number = l.order_number`
}

/** Rows inserted by one batch statement, per table. */
export function batchCounts(batch: SeedJobBatch) {
  const lines = (orders: readonly { lines: readonly unknown[] }[]) => orders.reduce((sum, order) => sum + order.lines.length, 0)
  return {
    jobs: batch.jobs.length,
    sales_orders: batch.salesOrders.length,
    sales_order_lines: lines(batch.salesOrders),
    purchase_orders: batch.purchaseOrders.length,
    purchase_order_lines: lines(batch.purchaseOrders),
  }
}

/** Flattens orders' lines into rows that name their order by number. */
function lineRows(orders: readonly { number: number; lines: readonly SeedOrderLine[] }[]) {
  const rows: Record<keyof typeof LINE_COLUMNS, unknown>[] = []
  for (const order of orders) {
    for (const line of order.lines) {
      rows.push({
        order_number: order.number, position: line.position, sku: line.sku, description: line.description,
        quantity: line.quantity, unit_price: line.unitPrice, tax_rate: line.taxRate, amount: line.amount,
      })
    }
  }
  return rows
}

const JOB_COLUMNS = {
  number: 'int4', name: 'text', status: 'text', client_id: 'int8', owner_id: 'int8', in_hands_date: 'date',
} as const
const SALES_ORDER_COLUMNS = {
  number: 'int4', job_number: 'int4', status: 'text', order_date: 'date', due_date: 'date', currency: 'text',
  subtotal: 'numeric', tax_total: 'numeric', total: 'numeric',
} as const
const PURCHASE_ORDER_COLUMNS = {
  number: 'int4', job_number: 'int4', supplier_id: 'int8', status: 'text', order_date: 'date', expected_date: 'date',
  currency: 'text', subtotal: 'numeric', tax_total: 'numeric', total: 'numeric',
} as const
/** Sales and purchase order lines alike; unit_price carries a purchase line's unit_cost. */
const LINE_COLUMNS = {
  order_number: 'int4', position: 'int4', sku: 'text', description: 'text', quantity: 'numeric',
  unit_price: 'numeric', tax_rate: 'numeric', amount: 'numeric',
} as const
