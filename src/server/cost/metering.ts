import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, type OperationDefinitionNode, getOperationAST, getVariableValues } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { type Principal, perPrincipal } from '../../access/principal.js'
import type { Context, CostMeter as RequestMeter } from '../../context.js'
import { badVariable, queryTooComplex, rateLimited } from '../../graphql/errors.js'
import type { Budget, BucketLevel, CostBuckets, TakeResult } from './buckets.js'
import { COST, EstimateTooLargeError, MAX_ESTIMATED_SELECTIONS, queryCost, requestedCost } from './estimate.js'

export interface MeteringOptions {
  buckets: CostBuckets
  /**
   * Budgets where no admin set one (src/access/budgets.ts): the principal's null turns metering off
   * (cost is still reported); the business's null means no business-wide bucket.
   */
  defaults: { principal: Budget | null; business: Budget | null }
  /** No query may cost more, whoever sends it, metered or not. */
  maxCost: number
  /** Told of every refusal (for metrics). */
  onRefused?: () => void
}

/** Shopify's `extensions.cost`. */
interface CostReport {
  requestedQueryCost: number
  actualQueryCost: number | null
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }
}

type MeteredContext = Context

/** One operation about to run, as the executor is given it. */
export interface OperationToMeter {
  schema: GraphQLSchema
  document: DocumentNode
  operationName?: string | null
  variableValues?: Record<string, unknown> | null
  contextValue: MeteredContext
  /** The operation and its coerced variables, when the caller already has them (the lean lane does). */
  prepared?: { operation: OperationDefinitionNode; coercedVariables: Record<string, unknown> }
}

/** What metering decided for one operation: answer `refusal` instead of running, or run and pass the result to `finish`. */
export interface MeteredRun {
  refusal?: ExecutionResult
  /** Reports the cost on the result and gives back to the bucket what the query did not use. */
  /** `measured`: the actual cost when the caller counted it itself (the pass-through read's data is text, not walked). */
  finish?: (result: ExecutionResult, measured?: number) => ExecutionResult | Promise<ExecutionResult>
}

export interface CostMeter {
  /** Null when there is nothing to meter (no such operation, variables the executor will refuse). */
  begin(operation: OperationToMeter): MeteredRun | Promise<MeteredRun> | null
}

/**
 * Prices every operation once its variables are known and before any resolver runs (one
 * estimator: src/server/cost/estimate.ts), refuses what costs more than the ceiling or the caller's
 * bucket can ever hold (QUERY_TOO_COMPLEX), takes the points from the principal's bucket (and the
 * business's, when it has one) or answers 429 RATE_LIMITED with the real wait, then gives back what
 * the query did not use. Every credentialed response reports its cost in `extensions.cost` and the
 * `X-RateLimit-*` headers. Used by the yoga plugin below and by the lean lane (server/lean-lane.ts).
 */
export function createCostMeter(options: MeteringOptions): CostMeter {
  const bucketsFor = bucketsMemo(options)
  return {
    begin(args) {
      const context = args.contextValue
      const operation = args.prepared?.operation ?? getOperationAST(args.document, args.operationName)
      if (!operation) return null
      const coerced = args.prepared
        ? { coerced: args.prepared.coercedVariables, errors: undefined }
        : getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {})
      // Bad variables: execution refuses them before anything runs.
      if (coerced.errors) return null
      const input = { schema: args.schema, document: args.document, operation, variables: coerced.coerced }
      let requested: number
      try {
        requested = requestedCost(input)
      } catch (error) {
        if (error instanceof EstimateTooLargeError) {
          return refuse(queryTooComplex(`The query has more than ${MAX_ESTIMATED_SELECTIONS} selections to price once its fragments are spread.`))
        }
        // graphql refuses a null `if:` of @skip/@include while collecting fields. Refused here, never
        // run unpriced: the fields it guards are not the only ones in the document.
        if (error instanceof GraphQLError) return refuse(badVariable(error.message, 'if'))
        throw error
      }
      if (requested > options.maxCost) {
        const error = queryTooComplex(`This query costs ${requested} points; no query may cost more than ${options.maxCost}. Ask for smaller pages.`)
        // Nothing ran, nothing is charged; a credentialed caller still learns the price.
        return refuse(error, context.principal ? { requestedQueryCost: requested, actualQueryCost: 0 } : undefined)
      }
      const principal = context.principal
      if (!principal) return null
      const { buckets, holds } = bucketsFor(principal)
      const report = (result: ExecutionResult, actual: number | null, level: BucketLevel | null) => {
        const cost: CostReport = { requestedQueryCost: requested, actualQueryCost: actual }
        if (!level) return { ...result, extensions: { ...result.extensions, cost } }
        cost.throttleStatus = { maximumAvailable: level.limit, currentlyAvailable: Math.floor(level.available), restoreRate: level.restoreRate }
        // yoga copies extensions.http.headers onto the response and leaves `http` out of the body.
        return { ...result, extensions: { ...result.extensions, cost, http: { headers: rateLimitHeaders(level) } } }
      }
      // What came back, priced; a response with errors is charged what it asked for. An error can null
      // a whole response after every other root field ran (a non-null field failing last), so the rows
      // that came back say nothing of the work done.
      const actualOf = (result: ExecutionResult, measured?: number) =>
        result.errors?.length || result.data == null
          ? requested
          : Math.min(requested, measured === undefined ? queryCost({ ...input, data: result.data }) : Math.max(COST.minimum, measured))

      if (buckets.length === 0) return { finish: (result, measured) => report(result, actualOf(result, measured), null) }
      if (requested > holds) {
        const error = queryTooComplex(`This query costs ${requested} points; your bucket holds at most ${holds}. Ask for smaller pages.`)
        return refuse(error, { requestedQueryCost: requested, actualQueryCost: 0 })
      }
      const taking = options.buckets.take(buckets, requested)
      const afterTaking = (taken: TakeResult): MeteredRun => {
        const binding = tightest(taken.levels)
        if (!taken.taken) {
          options.onRefused?.()
          const error = rateLimited(Math.max(1, Math.ceil(taken.waitMs / 1000)))
          return { refusal: report({ errors: [error] }, 0, binding) }
        }
        context.meter = meterOf(requested, binding)
        return {
          finish(result, measured) {
            const actual = actualOf(result, measured)
            if (actual >= requested) return report(result, actual, binding)
            const refunded = options.buckets.refund(buckets, requested - actual)
            if (!(refunded instanceof Promise)) return report(result, actual, tightest(refunded))
            return refunded.then((levels) => report(result, actual, tightest(levels)))
          },
        }
      }
      // In-process buckets answer at once: no promise, no extra turn of the event loop per request.
      return taking instanceof Promise ? taking.then(afterTaking) : afterTaking(taking)
    },
  }
}

/** The meter as a yoga plugin: refusals stop execution; a run's result gets its cost. */
export function useCostMetering(options: MeteringOptions): Plugin<MeteredContext> {
  const meter = createCostMeter(options)
  const apply = (run: MeteredRun | null, stop: (result: ExecutionResult) => void) => {
    if (!run) return
    if (run.refusal) return stop(run.refusal)
    const finish = run.finish
    if (!finish) return
    return {
      onExecuteDone({ result, setResult }: { result: unknown; setResult: (result: ExecutionResult) => void }) {
        if (!isSingle(result)) return
        const finished = finish(result)
        return finished instanceof Promise ? finished.then(setResult) : setResult(finished)
      },
    }
  }
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const run = meter.begin(args)
      return run instanceof Promise ? run.then((ready) => apply(ready, setResultAndStopExecution)) : apply(run, setResultAndStopExecution)
    },
  }
}

/** When the bucket is full again (epoch ms). */
const fullAt = (level: BucketLevel) => level.at + ((level.limit - level.available) / level.restoreRate) * 1000

/** GitHub's headers; Reset is when the bucket is full again (epoch seconds). */
function rateLimitHeaders(level: BucketLevel): Record<string, string> {
  const remaining = Math.floor(level.available)
  return {
    'X-RateLimit-Limit': String(level.limit),
    'X-RateLimit-Remaining': String(remaining),
    'X-RateLimit-Used': String(level.limit - remaining),
    'X-RateLimit-Reset': String(Math.ceil(fullAt(level) / 1000)),
  }
}

function refuse(error: GraphQLError, cost?: CostReport): MeteredRun {
  return { refusal: cost ? { errors: [error], extensions: { cost } } : { errors: [error] } }
}

const isSingle = (result: unknown): result is ExecutionResult =>
  result !== null && typeof result === 'object' && !(Symbol.asyncIterator in result)

interface PrincipalBuckets {
  buckets: Array<{ key: string; budget: Budget }>
  /** The most one query may cost: the smallest bucket's limit. */
  holds: number
}

/** A principal's buckets and the least any of them holds, worked out once per principal (perPrincipal). */
function bucketsMemo(options: MeteringOptions): (principal: Principal) => PrincipalBuckets {
  return perPrincipal((principal) => {
    const buckets = bucketsOf(principal, options)
    return { buckets, holds: Math.min(...buckets.map((bucket) => bucket.budget.limit)) }
  })
}

/**
 * The principal's bucket (both keys of a pair share it; a user's sessions have their own) and, for API keys, its
 * business's, if any: the business bucket caps integrations together, and a partner spending it
 * must not keep a signed-in admin from raising it.
 */
function bucketsOf(principal: Principal, options: MeteringOptions): Array<{ key: string; budget: Budget }> {
  const { defaults } = options
  if (!defaults.principal) return []
  // Braces: Redis Cluster keeps a business's buckets in one slot, so one script may touch both.
  // A user's keys and its sessions draw on two buckets of the same budget: a runaway integration on
  // an admin's key must not keep that admin, signed in, from revoking it.
  const kind = principal.credential.kind === 'api_key' ? 'keys' : 'sessions'
  const buckets = [{ key: `{${principal.businessId}}:${principal.id}:${kind}`, budget: principal.budgets.own ?? defaults.principal }]
  const business = principal.budgets.business ?? defaults.business
  if (business && principal.credential.kind === 'api_key') buckets.push({ key: `{${principal.businessId}}`, budget: business })
  return buckets
}

/** The bucket that binds: the one with the fewest points left. */
const tightest = (levels: readonly BucketLevel[]): BucketLevel =>
  levels.reduce((least, level) => (level.available < least.available ? level : least))

function meterOf(requested: number, level: BucketLevel): RequestMeter {
  return {
    cost: requested,
    limit: level.limit,
    restoreRate: level.restoreRate,
    remaining: Math.floor(level.available),
    resetAt: new Date(Math.ceil(fullAt(level))),
  }
}
