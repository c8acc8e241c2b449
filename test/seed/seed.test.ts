import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBusiness } from '../../src/access/businesses.js'
import type { DatabaseHandle } from '../../src/db/database.js'
import type { Database } from '../../src/db/types.js'
import { arrayLiteral } from '../../src/seed/bulk-insert.js'
import { formatScaled, lineAmountCents, lineTaxCents } from '../../src/records/money.js'
import { loadDemoData, type SeedOptions, type SeedResult, seedDatabase } from '../../src/seed/seed.js'
import { createTestDatabase } from '../setup/database.js'

const OPTIONS: SeedOptions = {
  businesses: 2,
  contactsPerBusiness: 40,
  jobsPerBusiness: 30,
  ordersPerJob: 2,
  linesPerOrder: 3,
  seed: 7,
}

let first: DatabaseHandle
let second: DatabaseHandle
let seeded: SeedResult

// Two embedded databases start here: allow for a busy machine.
beforeAll(async () => {
  first = await createTestDatabase()
  second = await createTestDatabase()
  seeded = await seedDatabase(first.db, OPTIONS)
  await seedDatabase(second.db, OPTIONS)
}, 120_000)

afterAll(async () => {
  await first?.close()
  await second?.close()
})

/** Everything the seed wrote, by natural keys: ids and timestamps left out. */
async function snapshot(db: Kysely<Database>) {
  const query = async (text: ReturnType<typeof sql>) => (await text.execute(db)).rows
  return {
    businesses: await query(sql`select name, slug from businesses order by slug`),
    principals: await query(sql`
      select b.slug, p.email, p.name, t.name as team, r.name as role
      from principals p join businesses b on b.id = p.business_id
      join teams t on (t.business_id, t.id) = (p.business_id, p.team_id)
      join security_roles r on (r.business_id, r.id) = (p.business_id, p.role_id)
      order by p.email`),
    roles: await query(sql`
      select b.slug, r.name, r.permissions from security_roles r join businesses b on b.id = r.business_id
      order by b.slug, r.name`),
    contacts: await query(sql`
      select b.slug, c.type, c.first_name, c.last_name, c.company, c.title, c.emails, c.phones, c.addresses,
        p.email as owner
      from contacts c join businesses b on b.id = c.business_id
      left join principals p on (p.business_id, p.id) = (c.business_id, c.owner_id)
      order by b.slug, c.id`),
    suppliers: await query(sql`
      select b.slug, s.name, s.email, s.phone from suppliers s join businesses b on b.id = s.business_id
      order by b.slug, s.id`),
    jobs: await query(sql`
      select b.slug, j.number, j.name, j.status, j.in_hands_date, c.first_name || ' ' || c.last_name as client,
        p.email as owner
      from jobs j join businesses b on b.id = j.business_id
      left join contacts c on (c.business_id, c.id) = (j.business_id, j.client_id)
      left join principals p on (p.business_id, p.id) = (j.business_id, j.owner_id)
      order by b.slug, j.number`),
    salesOrders: await query(sql`
      select b.slug, o.number, j.number as job, o.status, o.order_date, o.due_date, o.currency,
        o.subtotal, o.tax_total, o.total,
        (select json_agg(json_build_array(l.position, l.sku, l.description, l.quantity::text, l.unit_price::text,
           l.tax_rate::text, l.amount::text) order by l.position)
         from sales_order_lines l where (l.business_id, l.sales_order_id) = (o.business_id, o.id)) as lines
      from sales_orders o join businesses b on b.id = o.business_id
      join jobs j on (j.business_id, j.id) = (o.business_id, o.job_id)
      order by b.slug, o.number`),
    purchaseOrders: await query(sql`
      select b.slug, o.number, j.number as job, s.name as supplier, o.status, o.order_date, o.expected_date,
        o.currency, o.subtotal, o.tax_total, o.total,
        (select json_agg(json_build_array(l.position, l.sku, l.description, l.quantity::text, l.unit_cost::text,
           l.tax_rate::text, l.amount::text) order by l.position)
         from purchase_order_lines l where (l.business_id, l.purchase_order_id) = (o.business_id, o.id)) as lines
      from purchase_orders o join businesses b on b.id = o.business_id
      join jobs j on (j.business_id, j.id) = (o.business_id, o.job_id)
      join suppliers s on (s.business_id, s.id) = (o.business_id, o.supplier_id)
      order by b.slug, o.number`),
    counters: await query(sql`
      select b.slug, c.name, c.last_value from business_counters c join businesses b on b.id = c.business_id
      order by b.slug, c.name`),
  }
}

async function count(db: Kysely<Database>, text: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await sql<{ n: string | number }>`select count(*) as n from (${text}) as found`.execute(db)
  return Number(rows[0]?.n)
}

describe('money', () => {
  it('rounds line amounts and taxes half up to the cent, exactly', () => {
    expect(formatScaled(lineAmountCents(10_000n, 50n), 2)).toBe('0.01') // 1 × 0.005
    expect(formatScaled(lineAmountCents(1_440_000n, 23_475n), 2)).toBe('338.04') // 144 × 2.3475 = 338.04
    expect(formatScaled(lineAmountCents(25_000n, 1_234_567n), 2)).toBe('308.64') // 2.5 × 123.4567 = 308.64175
    expect(formatScaled(lineTaxCents(33_804n, 625n), 2)).toBe('21.13') // 338.04 × 6.25 % = 21.1275
    expect(formatScaled(5n, 4)).toBe('0.0005')
  })
})

describe('arrayLiteral', () => {
  it('round-trips any text and nulls through the database', async () => {
    const texts = ['plain', '', 'NULL', 'a "quoted" word', 'back\\slash\\', '{braces},commas', ' spaced ', 'Zoë ✓', null, '{"json": "\\"x\\""}']
    const { rows } = await sql<{ value: string | null }>`
      select value from unnest(${arrayLiteral(texts)}::text[]) with ordinality as t(value, n) order by n`.execute(first.db)
    expect(rows.map((row) => row.value)).toEqual(texts)
    const numbers = await sql<{ value: string | null }>`
      select value::text from unnest(${arrayLiteral([1, '2.5000', null, 10n])}::numeric[]) as t(value)`.execute(first.db)
    expect(numbers.rows.map((row) => row.value)).toEqual(['1', '2.5000', null, '10'])
  })
})

describe('seedDatabase', () => {
  it('writes the same data for the same seed into two fresh databases', async () => {
    const [a, b] = [await snapshot(first.db), await snapshot(second.db)]
    expect(a.jobs).toHaveLength(OPTIONS.businesses * OPTIONS.jobsPerBusiness)
    expect(a.salesOrders.length).toBeGreaterThan(0)
    expect(a).toEqual(b)
  })

  it('reports the rows it inserted', async () => {
    const { db } = first
    for (const table of ['businesses', 'contacts', 'jobs', 'sales_orders', 'sales_order_lines', 'purchase_orders', 'purchase_order_lines'] as const) {
      expect(await count(db, sql`select 1 from ${sql.table(table)}`), table).toBe(seeded.counts[table])
    }
    expect(seeded.counts.jobs).toBe(OPTIONS.businesses * OPTIONS.jobsPerBusiness)
    expect(seeded.counts.sales_orders).toBe(OPTIONS.businesses * OPTIONS.jobsPerBusiness * OPTIONS.ordersPerJob)
    expect(seeded.counts.purchase_orders).toBe(seeded.counts.sales_orders)
    expect(seeded.businesses.map((business) => business.slug)).toHaveLength(OPTIONS.businesses)
  })

  it('stores totals equal to the sum of their lines, in numeric arithmetic', async () => {
    const { db } = first
    for (const [orders, lines, orderId, price] of [
      ['sales_orders', 'sales_order_lines', 'sales_order_id', 'unit_price'],
      ['purchase_orders', 'purchase_order_lines', 'purchase_order_id', 'unit_cost'],
    ] as const) {
      expect(await count(db, sql`
        select 1 from ${sql.table(lines)} where amount <> round(quantity * ${sql.ref(price)}, 2)`)).toBe(0)
      expect(await count(db, sql`
        select 1 from ${sql.table(orders)} o
        left join lateral (
          select coalesce(sum(l.amount), 0) as subtotal, coalesce(sum(round(l.amount * l.tax_rate, 2)), 0) as tax
          from ${sql.table(lines)} l where l.business_id = o.business_id and ${sql.ref(`l.${orderId}`)} = o.id
        ) sums on true
        where o.subtotal <> sums.subtotal or o.tax_total <> sums.tax or o.total <> o.subtotal + o.tax_total`)).toBe(0)
    }
  })

  it('keeps every reference inside its business', async () => {
    const { db } = first
    const broken = [
      sql`select 1 from jobs j join contacts c on c.id = j.client_id
          where c.business_id <> j.business_id or c.type <> 'CLIENT'`,
      sql`select 1 from jobs j join principals p on p.id = j.owner_id where p.business_id <> j.business_id`,
      sql`select 1 from contacts c join principals p on p.id = c.owner_id where p.business_id <> c.business_id`,
      sql`select 1 from sales_orders o join jobs j on j.id = o.job_id
          where j.business_id <> o.business_id or o.client_id is distinct from j.client_id`,
      sql`select 1 from purchase_orders o join jobs j on j.id = o.job_id where j.business_id <> o.business_id`,
      sql`select 1 from purchase_orders o join suppliers s on s.id = o.supplier_id where s.business_id <> o.business_id`,
      sql`select 1 from sales_order_lines l join sales_orders o on o.id = l.sales_order_id where o.business_id <> l.business_id`,
      sql`select 1 from purchase_order_lines l join purchase_orders o on o.id = l.purchase_order_id where o.business_id <> l.business_id`,
      sql`select 1 from principals p join teams t on t.id = p.team_id where t.business_id <> p.business_id`,
      sql`select 1 from principals p join security_roles r on r.id = p.role_id where r.business_id <> p.business_id`,
    ]
    for (const query of broken) expect(await count(db, query)).toBe(0)
    expect(await count(db, sql`select 1 from jobs where client_id is null or owner_id is null`)).toBe(0)
  })

  it('numbers jobs and orders 1..n per business and leaves the counters at the highest number', async () => {
    const { db } = first
    for (const [table, counter] of [['jobs', 'jobs'], ['sales_orders', 'sales_orders'], ['purchase_orders', 'purchase_orders']] as const) {
      expect(await count(db, sql`
        select 1 from businesses b
        left join (select business_id, max(number) as high, count(*) as n, min(number) as low
                   from ${sql.table(table)} group by business_id) used on used.business_id = b.id
        left join business_counters c on c.business_id = b.id and c.name = ${counter}
        where c.last_value is distinct from used.high or used.n <> used.high or used.low <> 1`), table).toBe(0)
    }
  })
})

describe('loadDemoData', () => {
  it('fills one existing business, inside or outside a transaction', async () => {
    const { db } = first
    const demo = await createBusiness(db, { name: 'Demo' })
    const counts = await loadDemoData(db, demo.id, demo.slug)
    expect(counts).toMatchObject({ teams: 3, principals: 8, contacts: 150, suppliers: 20, jobs: 300, sales_orders: 600, purchase_orders: 300 })
    expect(counts.sales_order_lines).toBeGreaterThan(600 * 3)
    expect(await count(db, sql`select 1 from jobs where business_id = ${demo.id}`)).toBe(300)
    const counter = await db.selectFrom('business_counters').select('last_value')
      .where('business_id', '=', demo.id).where('name', '=', 'sales_orders').executeTakeFirstOrThrow()
    expect(Number(counter.last_value)).toBe(600)

    // Inside a caller's transaction it must use that transaction (PGlite would wait on itself otherwise).
    const other = await db.transaction().execute(async (trx) => {
      const business = await createBusiness(trx, { name: 'Demo' })
      await loadDemoData(trx, business.id, business.slug)
      return business
    })
    expect(other.slug).toBe('demo-2')
    expect(await count(db, sql`select 1 from principals where business_id = ${other.id}`)).toBe(8)
  })
})
