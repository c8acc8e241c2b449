import { Decimal } from 'decimal.js'
import type { Kysely } from 'kysely'
import type { Principal } from '../access/principal.js'
import type { Database } from '../db/types.js'
import { badInput, notFound } from '../graphql/errors.js'
import { type LineInput, type PricedLine, priceLines } from '../records/money.js'
import { MAX_LINES, type PriceField } from './order-line-inputs.js'

/**
 * Order lines, written: the same logic for sales and purchase orders, which differ only in the
 * table, the order's key column and the name of the price (unit_price / unit_cost). Lines belong
 * wholly to their order: they are written in the order's transaction, under its row lock, and any
 * change to them makes a new version of the order.
 */

type Row = Record<string, unknown>

/** Where one kind of order keeps its lines. */
export interface LineStore {
  table: 'sales_order_lines' | 'purchase_order_lines'
  orderKey: 'sales_order_id' | 'purchase_order_id'
  priceColumn: 'unit_price' | 'unit_cost'
  priceField: PriceField
}

export const salesOrderLines: LineStore = { table: 'sales_order_lines', orderKey: 'sales_order_id', priceColumn: 'unit_price', priceField: 'unitPrice' }
export const purchaseOrderLines: LineStore = { table: 'purchase_order_lines', orderKey: 'purchase_order_id', priceColumn: 'unit_cost', priceField: 'unitCost' }

/** A line as a client sends it (with `unitPrice` or `unitCost`); on a line update any field may be left out. */
export interface ClientLine {
  sku?: string | null
  description?: string | null
  quantity?: string | null
  taxRate?: string | null
  unitPrice?: string | null
  unitCost?: string | null
}

/** The line fields of an order update. */
export interface LineChanges {
  lines?: ClientLine[] | null
  addLines?: ClientLine[] | null
  updateLines?: (ClientLine & { position: number })[] | null
  removeLines?: number[] | null
}

/** Priced lines and the order columns they total to. */
export interface PricedOrder {
  lines: PricedLine[]
  columns: { subtotal: string; tax_total: string; total: string }
}

// numeric(16,2): amounts and totals must stay below 10^14.
const AMOUNT_LIMIT = new Decimal('1e14')

/** A client's line as priceLines takes it. */
export function toLineInput(store: LineStore, line: ClientLine): LineInput {
  return {
    sku: line.sku ?? null,
    description: line.description ?? '',
    quantity: line.quantity ?? '0',
    unitAmount: line[store.priceField] ?? '0',
    taxRate: line.taxRate ?? null,
  }
}

/**
 * Prices lines exactly (money.ts) and totals the order. An amount or total too large for its
 * column is BAD_USER_INPUT naming `field`, rather than a database error.
 */
export function priceOrder(lines: readonly LineInput[], field: string): PricedOrder {
  const { lines: priced, totals } = priceLines(lines)
  const tooLarge = priced.find((line) => new Decimal(line.amount).gte(AMOUNT_LIMIT))
  if (tooLarge) throw badInput(`Line ${tooLarge.position}: its amount ${tooLarge.amount} is too large (it must stay below 10^14).`, field)
  if (new Decimal(totals.total).gte(AMOUNT_LIMIT)) throw badInput(`The order total ${totals.total} is too large (it must stay below 10^14).`, field)
  return { lines: priced, columns: { subtotal: totals.subtotal, tax_total: totals.taxTotal, total: totals.total } }
}

/** Inserts an order's lines, all in one statement. */
export async function insertLines(
  trx: Kysely<Database>,
  principal: Principal,
  store: LineStore,
  orderId: string,
  lines: readonly PricedLine[],
): Promise<void> {
  if (lines.length === 0) return
  await (trx as Kysely<any>)
    .insertInto(store.table)
    .values(
      lines.map((line) => ({
        business_id: principal.businessId,
        [store.orderKey]: orderId,
        position: line.position,
        sku: line.sku ?? null,
        description: line.description,
        quantity: line.quantity,
        [store.priceColumn]: line.unitAmount,
        tax_rate: line.taxRate,
        amount: line.amount,
      })),
    )
    .execute()
}

/**
 * Applies an update's line fields to an order whose row the caller holds locked: replaces or
 * patches the lines, reprices them, and rewrites them only if they changed. Returns the totals
 * columns for the order and `['lines']` when the lines changed (so the order gets a new version).
 */
export async function applyLineChanges(
  trx: Kysely<Database>,
  principal: Principal,
  store: LineStore,
  orderId: string,
  input: LineChanges,
): Promise<{ columns: Row; alsoChanged: string[] }> {
  const patching = input.addLines != null || input.updateLines != null || input.removeLines != null
  if (input.lines == null && !patching) return { columns: {}, alsoChanged: [] }
  // The zod check on the input already refuses both; this keeps the function safe on its own.
  if (input.lines != null && patching) throw badInput('Send either `lines` or addLines / updateLines / removeLines, not both.', 'input.lines')
  const stored = await storedLines(trx, principal, store, orderId)
  const next = input.lines != null ? input.lines.map((line) => toLineInput(store, line)) : patchLines(store, stored, input)
  const priced = priceOrder(next, input.lines != null ? 'input.lines' : input.addLines != null ? 'input.addLines' : 'input.updateLines')
  if (sameLines(stored, priced.lines)) return { columns: priced.columns, alsoChanged: [] }
  await (trx as Kysely<any>)
    .deleteFrom(store.table)
    .where('business_id', '=', principal.businessId)
    .where(store.orderKey, '=', orderId)
    .execute()
  await insertLines(trx, principal, store, orderId, priced.lines)
  return { columns: priced.columns, alsoChanged: ['lines'] }
}

/** An order's stored lines in position order, as priced lines. */
async function storedLines(trx: Kysely<Database>, principal: Principal, store: LineStore, orderId: string): Promise<PricedLine[]> {
  const rows: Row[] = await (trx as Kysely<any>)
    .selectFrom(store.table)
    .selectAll()
    .where('business_id', '=', principal.businessId)
    .where(store.orderKey, '=', orderId)
    .orderBy('position')
    .execute()
  return rows.map((row) => ({
    position: Number(row.position),
    sku: (row.sku as string | null) ?? null,
    description: String(row.description),
    quantity: String(row.quantity),
    unitAmount: String(row[store.priceColumn]),
    taxRate: String(row.tax_rate),
    amount: String(row.amount),
  }))
}

/**
 * A patch, by the positions the lines have before it: updates, then removals, then additions at
 * the end; the result is numbered 1..n again by priceLines. A position that does not exist is
 * NOT_FOUND naming the field; one named twice is BAD_USER_INPUT.
 */
function patchLines(store: LineStore, stored: readonly PricedLine[], input: LineChanges): LineInput[] {
  const exists = (position: number) => Number.isInteger(position) && position >= 1 && position <= stored.length
  const updates = new Map<number, ClientLine>()
  for (const [index, update] of (input.updateLines ?? []).entries()) {
    const field = `input.updateLines.${index}.position`
    if (!exists(update.position)) throw notFound('line at that position', field)
    if (updates.has(update.position)) throw badInput(`Line ${update.position} is named twice.`, field)
    updates.set(update.position, update)
  }
  const removed = new Set<number>()
  for (const [index, position] of (input.removeLines ?? []).entries()) {
    const field = `input.removeLines.${index}`
    if (!exists(position)) throw notFound('line at that position', field)
    if (removed.has(position) || updates.has(position)) throw badInput(`Line ${position} is named twice.`, field)
    removed.add(position)
  }
  const kept = stored
    .filter((line) => !removed.has(line.position))
    .map((line): LineInput => {
      const update = updates.get(line.position)
      if (!update) return line
      return {
        sku: update.sku !== undefined ? update.sku : line.sku,
        description: update.description ?? line.description,
        quantity: update.quantity ?? line.quantity,
        unitAmount: update[store.priceField] ?? line.unitAmount,
        taxRate: update.taxRate ?? line.taxRate,
      }
    })
  const next = [...kept, ...(input.addLines ?? []).map((line) => toLineInput(store, line))]
  if (next.length > MAX_LINES) throw badInput(`An order has at most ${MAX_LINES} lines; this would make ${next.length}.`, 'input.addLines')
  return next
}

/** Same lines, compared as values ("3" and "3.0000" are the same quantity). */
function sameLines(stored: readonly PricedLine[], next: readonly PricedLine[]): boolean {
  const same = (a: string | null | undefined, b: string | null | undefined) => new Decimal(a ?? 0).eq(b ?? 0)
  return (
    stored.length === next.length &&
    stored.every((line, index) => {
      const other = next[index]!
      return (
        (line.sku ?? null) === (other.sku ?? null) &&
        line.description === other.description &&
        same(line.quantity, other.quantity) &&
        same(line.unitAmount, other.unitAmount) &&
        same(line.taxRate, other.taxRate) &&
        same(line.amount, other.amount)
      )
    })
  )
}
