/**
 * The physical ceiling of the bench: raw `node:http` and `pg`, one hand-written SQL statement per
 * request, run as a named prepared statement, PostgreSQL building the whole response as JSON text
 * that is sent as it comes. No GraphQL: it recognises the bench's operations by name and answers
 * them with Gatehouse's JSON shape, applying the row filters of an ALL-level key (the business,
 * live rows only). Nothing a real server could do per request costs less; the bench reports every
 * server as a fraction of this one. Plain JavaScript, started with `node` directly (no loader).
 *
 * env: DATABASE_URL, PORT, HOST, BENCH_BUSINESS_ID.
 */
import { createServer } from 'node:http'
import pg from 'pg'

const businessId = process.env.BENCH_BUSINESS_ID
if (!businessId) throw new Error('BENCH_BUSINESS_ID is required')
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
pool.on('error', () => {})

/** Gatehouse's global id (base64url of "Type:id", no padding), made in SQL; ::bytea is cheaper than convert_to (no backslash in an id). */
const globalId = (type, column) => `translate(rtrim(encode(('${type}:' || ${column})::bytea, 'base64'), '='), '+/', '-_')`

/** One row as a JSON object (its column aliases are the keys), or null: to_json of a row is PostgreSQL's cheapest JSON. */
const object = (select) => `(select to_json(x) from (${select}) x)`
/** Rows as a JSON array in the subquery's order, [] when none. */
const array = (select) => `coalesce((select json_agg(x) from (${select}) x), '[]'::json)`

const CLIENT = (job) => object(`select ${globalId('Contact', 'c.id')} as "id", c.first_name as "firstName", c.last_name as "lastName", c.company as "company"
  from contacts c where c.business_id = ${job}.business_id and c.id = ${job}.client_id and c.deleted_at is null`)

const JOB_COLUMNS = (job) => `${globalId('Job', `${job}.id`)} as "id", ${job}.number as "number", ${job}.name as "name", ${job}.status as "status", ${job}.in_hands_date as "inHandsDate"`

const ORDERS = (kind, job) => {
  const table = kind === 'sales' ? 'sales_orders' : 'purchase_orders'
  const lines = kind === 'sales' ? 'sales_order_lines' : 'purchase_order_lines'
  const key = kind === 'sales' ? 'sales_order_id' : 'purchase_order_id'
  const price = kind === 'sales' ? 'l.unit_price::text as "unitPrice"' : 'l.unit_cost::text as "unitCost"'
  const type = kind === 'sales' ? 'SalesOrder' : 'PurchaseOrder'
  const supplier = kind === 'sales'
    ? ''
    : `, ${object(`select ${globalId('Supplier', 's.id')} as "id", s.name as "name" from suppliers s
        where s.business_id = o.business_id and s.id = o.supplier_id and s.deleted_at is null`)} as "supplier"`
  const lineList = array(`select l.position as "position", l.sku as "sku", l.quantity::text as "quantity", ${price}, l.amount::text as "amount"
    from ${lines} l where l.business_id = o.business_id and l.${key} = o.id order by l.position`)
  return `json_build_object('nodes', ${array(`select ${globalId(type, 'o.id')} as "id", o.number as "number", o.status as "status", o.order_date as "orderDate",
      o.currency as "currency", o.total::text as "total"${supplier}, ${lineList} as "lines"
    from ${table} o where o.business_id = ${job}.business_id and o.job_id = ${job}.id and o.deleted_at is null order by o.id limit 5`)})`
}

/** A page of 50 jobs after a cursor (the ceiling's cursor is the job id), with `hasNextPage` from a 51st row. */
const JOB_PAGE = (columns) => `with page as (
    select * from jobs j where j.business_id = $1 and j.deleted_at is null and ($2::bigint is null or j.id > $2::bigint) order by j.id limit 51
  ), shown as (select * from page order by id limit 50)
  select json_build_object('data', json_build_object('jobs', json_build_object(
    'nodes', ${array(`select ${columns('j')} from shown j order by j.id`)},
    'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > 50, 'endCursor', (select max(id)::text from shown)))))::text as body`

const STATEMENTS = {
  Q1: {
    text: `select json_build_object('data', json_build_object('job', ${object(`select ${JOB_COLUMNS('j')}, ${CLIENT('j')} as "client"
      from jobs j where j.business_id = $1 and j.id = $2 and j.deleted_at is null`)}))::text as body`,
    values: (variables) => [businessId, decodeId(variables?.id)],
  },
  Q2: {
    text: JOB_PAGE((j) => `${JOB_COLUMNS(j)}, ${CLIENT(j)} as "client", ${ORDERS('sales', j)} as "salesOrders", ${ORDERS('purchase', j)} as "purchaseOrders"`),
    values: () => [businessId, null],
  },
  Q3: {
    text: JOB_PAGE((j) => `${JOB_COLUMNS(j)}, ${CLIENT(j)} as "client"`),
    values: (variables) => [businessId, variables?.after ?? null],
  },
  Tail: {
    text: `with tail as (select id, number from jobs where business_id = $1 and deleted_at is null order by id desc limit 51)
      select json_build_object('data', json_build_object('jobs', json_build_object(
        'nodes', ${array(`select ${globalId('Job', 'id')} as "id", number as "number" from tail order by tail.id`)},
        'pageInfo', json_build_object('startCursor', (select min(id)::text from tail)))))::text as body`,
    values: () => [businessId],
  },
}

function decodeId(id) {
  const match = /^Job:(\d+)$/.exec(Buffer.from(String(id ?? ''), 'base64url').toString('utf8'))
  return match ? match[1] : '0'
}

const OPERATION = /^\s*query\s+(Q1|Q2|Q3|Tail)\b/

const server = createServer((request, response) => {
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', async () => {
    try {
      const { query, variables } = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      const statement = STATEMENTS[OPERATION.exec(query ?? '')?.[1] ?? '']
      if (!statement) {
        // The bench's readiness probe (`{ __typename }`) and anything else.
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{"__typename":"Query"}}')
        return
      }
      const name = OPERATION.exec(query)[1]
      const result = await pool.query({ name, text: statement.text, values: statement.values(variables) })
      const body = result.rows[0].body
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body)
    } catch (error) {
      const body = JSON.stringify({ errors: [{ message: String(error?.message ?? error) }] })
      response.writeHead(500, { 'content-type': 'application/json' }).end(body)
    }
  })
})
server.keepAliveTimeout = 5_000
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))))
