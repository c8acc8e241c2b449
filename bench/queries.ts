/**
 * The requests of the bench, written once for each schema (Gatehouse's and PostGraphile's amber
 * names differ), and a canonical form of their answers: the same jobs, clients, orders, totals and
 * lines must come back from every server before anything is measured, so no server wins by doing less.
 */

export type QueryName = 'Q1' | 'Q2' | 'Q3-first' | 'Q3-keyset' | 'Q4' | 'Q5'
export const QUERY_NAMES: QueryName[] = ['Q1', 'Q2', 'Q3-first', 'Q3-keyset', 'Q4', 'Q5']
/** Reads every server answers alike; Q4 (a write) and Q5 (a bad key) are Gatehouse's own. */
export const READ_QUERIES: QueryName[] = ['Q1', 'Q2', 'Q3-first', 'Q3-keyset']

export const QUERY_TITLES: Record<QueryName, string> = {
  Q1: 'one job by id with its client',
  Q2: '50 jobs, each with client, 5 sales orders × lines, 5 purchase orders with supplier × lines',
  'Q3-first': '50 jobs with client, first page',
  'Q3-keyset': '50 jobs with client, keyset page at the end (cursor from the server)',
  Q4: 'createSalesOrder with 5 lines (a write: order number, totals, lines, audit, in one transaction)',
  Q5: 'a request with a key that does not exist (401)',
}

export type Flavour = 'gatehouse' | 'postgraphile'

const JOB = 'id number name status inHandsDate'
const CLIENT = 'id firstName lastName company'
// What a partner's order sync reads; long free text (line descriptions) left out so the figure is
// not mostly JSON encoding of prose.
const SALES = 'id number status orderDate currency total'
const SALES_LINE = 'position sku quantity unitPrice amount'
const PURCHASE = 'id number status orderDate currency total'
const PURCHASE_LINE = 'position sku quantity unitCost amount'

/** Gatehouse: the business comes from the API key. */
const GATEHOUSE = {
  Q1: `query Q1($id: ID!) { job(id: $id) { ${JOB} client { ${CLIENT} } } }`,
  Q2: `query Q2 {
  jobs(first: 50) {
    nodes {
      ${JOB}
      client { ${CLIENT} }
      salesOrders(first: 5) { nodes { ${SALES} lines { ${SALES_LINE} } } }
      purchaseOrders(first: 5) { nodes { ${PURCHASE} supplier { id name } lines { ${PURCHASE_LINE} } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
  Q3: `query Q3($after: String) {
  jobs(first: 50, after: $after) { nodes { ${JOB} client { ${CLIENT} } } pageInfo { hasNextPage endCursor } }
}`,
  tail: `query Tail { jobs(last: 51) { nodes { id number } pageInfo { startCursor } } }`,
  // Stable fields only, so every answer under load is the same bytes (ids and numbers change).
  Q4: `mutation Q4($input: CreateSalesOrderInput!) {
  createSalesOrder(input: $input) { idempotentReplay salesOrder { status currency total lines { position sku quantity unitPrice amount } } }
}`,
}

/** Q4's order: five lines on the job Q1 reads (Q1 selects no orders, so its answer stays the same). */
function salesOrderInput(jobId: string) {
  return {
    jobId,
    currency: 'USD',
    lines: Array.from({ length: 5 }, (_, i) => ({ sku: `BENCH-${i + 1}`, description: `Bench line ${i + 1}`, quantity: String(i + 1), unitPrice: '12.50' })),
  }
}

/**
 * PostGraphile (amber preset): the tenant is a condition on business_id; relations follow the
 * composite foreign keys; aliases give the answer Gatehouse's shape. Ordered by primary key
 * (business_id, id), which is Gatehouse's creation order within a business.
 */
const POSTGRAPHILE = {
  Q1: `query Q1($businessId: BigInt!, $rowId: BigInt!) {
  job: jobByBusinessIdAndRowId(businessId: $businessId, rowId: $rowId) { ${JOB} client: contactByBusinessIdAndClientId { ${CLIENT} } }
}`,
  Q2: `query Q2($businessId: BigInt!) {
  jobs: allJobs(condition: { businessId: $businessId }, first: 50, orderBy: [PRIMARY_KEY_ASC]) {
    nodes {
      ${JOB}
      client: contactByBusinessIdAndClientId { ${CLIENT} }
      salesOrders: salesOrdersByBusinessIdAndJobId(first: 5, orderBy: [PRIMARY_KEY_ASC]) {
        nodes { ${SALES} lines: salesOrderLinesByBusinessIdAndSalesOrderId(orderBy: [PRIMARY_KEY_ASC]) { nodes { ${SALES_LINE} } } }
      }
      purchaseOrders: purchaseOrdersByBusinessIdAndJobId(first: 5, orderBy: [PRIMARY_KEY_ASC]) {
        nodes {
          ${PURCHASE}
          supplier: supplierByBusinessIdAndSupplierId { id name }
          lines: purchaseOrderLinesByBusinessIdAndPurchaseOrderId(orderBy: [PRIMARY_KEY_ASC]) { nodes { ${PURCHASE_LINE} } }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`,
  Q3: `query Q3($businessId: BigInt!, $after: Cursor) {
  jobs: allJobs(condition: { businessId: $businessId }, first: 50, after: $after, orderBy: [PRIMARY_KEY_ASC]) {
    nodes { ${JOB} client: contactByBusinessIdAndClientId { ${CLIENT} } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  tail: `query Tail($businessId: BigInt!) {
  jobs: allJobs(condition: { businessId: $businessId }, last: 51, orderBy: [PRIMARY_KEY_ASC]) { nodes { rowId number } pageInfo { startCursor } }
}`,
}

export interface GraphQLRequest {
  query: string
  variables?: Record<string, unknown>
}

/** What a flavour needs to build its requests: found once per server before measuring. */
export interface Anchors {
  /** Cursor of the 51st job from the end, in the server's own cursor format. */
  tailCursor: string
  /** The job Q1 reads (the 26th from the end): Gatehouse's global id or PostGraphile's row id. */
  q1Job: string
  q1JobNumber: number
}

/** The request that finds a flavour's anchors. */
export function tailRequest(flavour: Flavour, businessId: string): GraphQLRequest {
  return flavour === 'gatehouse' ? { query: GATEHOUSE.tail } : { query: POSTGRAPHILE.tail, variables: { businessId } }
}

/** Reads the anchors out of the tail request's answer. */
export function anchorsFrom(flavour: Flavour, data: any): Anchors {
  const jobs = data.jobs
  const pick = jobs.nodes[25]
  if (!pick || typeof jobs.pageInfo.startCursor !== 'string') throw new Error(`unexpected tail answer: ${JSON.stringify(data).slice(0, 300)}`)
  return { tailCursor: jobs.pageInfo.startCursor, q1Job: flavour === 'gatehouse' ? pick.id : pick.rowId, q1JobNumber: pick.number }
}

/** The request for one query on one flavour. */
export function requestFor(flavour: Flavour, query: QueryName, businessId: string, anchors: Anchors): GraphQLRequest {
  if (flavour === 'gatehouse') {
    if (query === 'Q1' || query === 'Q5') return { query: GATEHOUSE.Q1, variables: { id: anchors.q1Job } }
    if (query === 'Q4') return { query: GATEHOUSE.Q4, variables: { input: salesOrderInput(anchors.q1Job) } }
    if (query === 'Q2') return { query: GATEHOUSE.Q2 }
    return { query: GATEHOUSE.Q3, variables: { after: query === 'Q3-keyset' ? anchors.tailCursor : null } }
  }
  if (query === 'Q4' || query === 'Q5') throw new Error(`${query} is Gatehouse's own`)
  if (query === 'Q1') return { query: POSTGRAPHILE.Q1, variables: { businessId, rowId: anchors.q1Job } }
  if (query === 'Q2') return { query: POSTGRAPHILE.Q2, variables: { businessId } }
  return { query: POSTGRAPHILE.Q3, variables: { businessId, after: query === 'Q3-keyset' ? anchors.tailCursor : null } }
}

/** "24.0000" and "24" are one number: compare decimals without trailing zeros. */
const decimal = (value: unknown) => (typeof value === 'string' && value.includes('.') ? value.replace(/\.?0+$/, '') : value)

/** A list in either shape: Gatehouse's plain list or PostGraphile's `{ nodes }` connection. */
const listOf = (value: any): any[] => (Array.isArray(value) ? value : (value?.nodes ?? []))

function canonicalJob(job: any) {
  if (!job) return job
  const out: Record<string, unknown> = {
    number: job.number,
    name: job.name,
    status: job.status,
    inHandsDate: job.inHandsDate,
    client: job.client && { name: `${job.client.firstName} ${job.client.lastName}`, company: job.client.company },
  }
  const order = (o: any, price: 'unitPrice' | 'unitCost') => ({
    number: o.number, status: o.status, orderDate: o.orderDate, currency: o.currency,
    subtotal: decimal(o.subtotal), taxTotal: decimal(o.taxTotal), total: decimal(o.total),
    ...(o.supplier !== undefined ? { supplier: o.supplier?.name } : {}),
    lines: listOf(o.lines).map((l: any) => ({
      position: l.position, sku: l.sku, description: l.description,
      quantity: decimal(l.quantity), price: decimal(l[price]), amount: decimal(l.amount),
    })),
  })
  if (job.salesOrders !== undefined) out.salesOrders = listOf(job.salesOrders).map((o) => order(o, 'unitPrice'))
  if (job.purchaseOrders !== undefined) out.purchaseOrders = listOf(job.purchaseOrders).map((o) => order(o, 'unitCost'))
  return out
}

/** The answer with server-specific details (ids, cursors, decimal padding, list shapes) taken out. */
export function canonicalAnswer(query: QueryName, data: any): unknown {
  if (query === 'Q1') return canonicalJob(data.job)
  if (query === 'Q4') return data.createSalesOrder
  if (query === 'Q5') return null
  return { jobs: data.jobs.nodes.map(canonicalJob), hasNextPage: data.jobs.pageInfo.hasNextPage }
}

/** Figures that show both servers answered the whole question (for the report). */
export function answerSummary(query: QueryName, canonical: any): string {
  if (query === 'Q1') return `job ${canonical.number}, client ${canonical.client?.name}`
  if (query === 'Q4') return `an order of ${canonical.salesOrder.lines.length} lines, total ${canonical.salesOrder.total}`
  if (query === 'Q5') return '401 UNAUTHENTICATED'
  const jobs = canonical.jobs as any[]
  const lines = jobs.flatMap((job) => [...(job.salesOrders ?? []), ...(job.purchaseOrders ?? [])]).reduce((n, o) => n + o.lines.length, 0)
  return `jobs ${jobs[0]?.number}–${jobs.at(-1)?.number} (${jobs.length})` + (lines ? `, ${lines} order lines` : '')
}
