import { type ExecutionResult, type GraphQLError, getOperationAST, getVariableValues } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Principal } from '../../access/principal.js'
import type { Context, CostMeter } from '../../context.js'
import { queryTooComplex, rateLimited } from '../../graphql/errors.js'
import type { Budget, BucketLevel, CostBuckets } from './buckets.js'
import { EstimateTooLargeError, MAX_ESTIMATED_SELECTIONS, queryCost } from './estimate.js'

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

type MeteredContext = Context & { request?: Request }
type Stop = (result: ExecutionResult) => void

/**
 * Prices every operation once its variables are known and before any resolver runs (one
 * estimator: src/server/cost/estimate.ts), refuses what costs more than the ceiling or the caller's
 * bucket can ever hold (QUERY_TOO_COMPLEX), takes the points from the principal's bucket (and the
 * business's, when it has one) or answers 429 RATE_LIMITED with the real wait, then gives back what
 * the query did not use. Every credentialed response reports its cost in `extensions.cost` and the
 * `X-RateLimit-*` headers.
 */
export function useCostMetering(options: MeteringOptions): Plugin<MeteredContext> {
  const headers = new WeakMap<Request, BucketLevel>()
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue
      const operation = getOperationAST(args.document, args.operationName)
      if (!operation) return
      const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {})
      // Bad variables: execution refuses them before anything runs.
      if (coerced.errors) return
      const input = { schema: args.schema, document: args.document, operationName: args.operationName, variables: coerced.coerced }
      let requested: number
      try {
        requested = queryCost(input)
      } catch (error) {
        if (!(error instanceof EstimateTooLargeError)) throw error
        return refuse(setResultAndStopExecution, queryTooComplex(`The query has more than ${MAX_ESTIMATED_SELECTIONS} selections to price once its fragments are spread.`))
      }
      if (requested > options.maxCost) {
        return refuse(setResultAndStopExecution, queryTooComplex(`This query costs ${requested} points; no query may cost more than ${options.maxCost}. Ask for smaller pages.`))
      }
      const principal = context.principal
      if (!principal) return
      const buckets = bucketsOf(principal, options)
      const report = (result: ExecutionResult, actual: number | null, level: BucketLevel | null) => {
        const cost: CostReport = { requestedQueryCost: requested, actualQueryCost: actual }
        if (level) {
          cost.throttleStatus = { maximumAvailable: level.limit, currentlyAvailable: Math.floor(level.available), restoreRate: level.restoreRate }
          if (context.request) headers.set(context.request, level)
        }
        return { ...result, extensions: { ...result.extensions, cost } }
      }
      const actualOf = (result: ExecutionResult) =>
        Math.min(requested, result.data == null ? 1 : queryCost({ ...input, data: result.data }))

      if (buckets.length === 0) {
        return { onExecuteDone: ({ result, setResult }) => void (isSingle(result) && setResult(report(result, actualOf(result), null))) }
      }
      const holds = Math.min(...buckets.map((bucket) => bucket.budget.limit))
      if (requested > holds) {
        return refuse(setResultAndStopExecution, queryTooComplex(`This query costs ${requested} points; your bucket holds at most ${holds}. Ask for smaller pages.`))
      }
      return options.buckets.take(buckets, requested).then((taken) => {
        const binding = tightest(taken.levels)
        if (!taken.taken) {
          options.onRefused?.()
          const error = rateLimited(Math.max(1, Math.ceil(taken.waitMs / 1000)))
          setResultAndStopExecution(report({ errors: [error] }, 0, binding))
          return
        }
        context.meter = meterOf(requested, binding)
        return {
          async onExecuteDone({ result, setResult }) {
            if (!isSingle(result)) return
            const actual = actualOf(result)
            const levels = actual < requested ? await options.buckets.refund(buckets, requested - actual) : taken.levels
            setResult(report(result, actual, tightest(levels)))
          },
        }
      })
    },
    onResponse({ request, response }) {
      const level = headers.get(request)
      if (!level) return
      const remaining = Math.floor(level.available)
      const fullAt = level.at + ((level.limit - level.available) / level.restoreRate) * 1000
      response.headers.set('X-RateLimit-Limit', String(level.limit))
      response.headers.set('X-RateLimit-Remaining', String(remaining))
      response.headers.set('X-RateLimit-Used', String(level.limit - remaining))
      response.headers.set('X-RateLimit-Reset', String(Math.ceil(fullAt / 1000)))
    },
  }
}

function refuse(stop: Stop, error: GraphQLError): void {
  stop({ errors: [error] })
}

const isSingle = (result: unknown): result is ExecutionResult =>
  result !== null && typeof result === 'object' && !(Symbol.asyncIterator in result)

/**
 * The principal's bucket (both keys of a pair and its sessions share it) and, for API keys, its
 * business's, if any: the business bucket caps integrations together, and a partner spending it
 * must not keep a signed-in admin from raising it.
 */
function bucketsOf(principal: Principal, options: MeteringOptions): Array<{ key: string; budget: Budget }> {
  const { defaults } = options
  if (!defaults.principal) return []
  const buckets = [{ key: `${principal.businessId}:${principal.id}`, budget: principal.budgets.own ?? defaults.principal }]
  const business = principal.budgets.business ?? defaults.business
  if (business && principal.credential.kind === 'api_key') buckets.push({ key: `${principal.businessId}`, budget: business })
  return buckets
}

/** The bucket that binds: the one with the fewest points left. */
const tightest = (levels: readonly BucketLevel[]): BucketLevel =>
  levels.reduce((least, level) => (level.available < least.available ? level : least))

function meterOf(requested: number, level: BucketLevel): CostMeter {
  return {
    cost: requested,
    limit: level.limit,
    restoreRate: level.restoreRate,
    remaining: Math.floor(level.available),
    resetAt: new Date(Math.ceil(level.at + ((level.limit - level.available) / level.restoreRate) * 1000)),
  }
}
