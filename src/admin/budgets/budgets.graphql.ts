import type { Kysely } from 'kysely'
import { auditRequestChange } from '../../access/audit.js'
import { budgetOf, defaultBudgets } from '../../access/budgets.js'
import { invalidateCredentials } from '../../access/credentials/authenticate.js'
import type { CostBudget, Principal } from '../../access/principal.js'
import type { Context, CostMeter } from '../../context.js'
import type { Database } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { badInput, notFound } from '../../graphql/errors.js'
import { decodeGlobalId, isDatabaseId } from '../../graphql/global-id.js'
import { principalKindOf } from '../../graphql/principal-summary.js'
import { inTransaction } from '../common/admin-mutation.js'
import { ApiMemberRef } from '../members/members.graphql.js'
import { UserRef } from '../users/users.graphql.js'
import { BusinessRef } from '../viewer/viewer.graphql.js'

/**
 * Cost budgets: what the caller's bucket holds now (`rateLimit`, GitHub's shape) and, for admins,
 * the budget of each principal and of the whole business. Metering itself is src/server/cost/.
 */

/** The most a budget may hold or restore: far above any real need, well inside an int. */
const BUDGET_MAX = 10_000_000
/**
 * The least a bucket may hold: twice what a budget mutation costs (10), so an admin who sets their
 * own budget too low can always set it back.
 */
const BUDGET_MIN = 20

const RateLimitRef = builder.objectRef<CostMeter>('RateLimit').implement({
  description: "The caller's cost bucket after this query's price was taken (points restore continuously).",
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Points the bucket holds when full: the most one query may cost.' }),
    cost: t.exposeInt('cost', { description: 'What this query was priced at before it ran.' }),
    remaining: t.exposeInt('remaining', { description: 'Points left now.' }),
    used: t.int({ description: '`limit - remaining`.', resolve: (meter) => meter.limit - meter.remaining }),
    restoreRate: t.exposeInt('restoreRate', { description: 'Points restored per second.' }),
    resetAt: t.field({ type: 'DateTime', description: 'When the bucket is full again.', resolve: (meter) => meter.resetAt }),
  }),
})

builder.queryField('rateLimit', (t) =>
  t.field({
    type: RateLimitRef,
    nullable: true,
    description: "The caller's cost bucket (null when metering is off). Every response also carries it in `extensions.cost` and the X-RateLimit-* headers.",
    authScopes: { authenticated: true },
    resolve: (_root, _args, context) => context.meter,
  }),
)

interface BudgetValue extends CostBudget {
  custom: boolean
}

const RateLimitBudgetRef = builder.objectRef<BudgetValue>('RateLimitBudget').implement({
  description: 'The size and refill of a cost bucket.',
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Points the bucket holds when full: the most one query may cost.' }),
    restoreRate: t.exposeInt('restoreRate', { description: 'Points restored per second.' }),
    custom: t.exposeBoolean('custom', { description: "True when an admin set it; false: the server's default." }),
  }),
})

/** The budget in force: the one an admin set, else the server's default (null: none, or metering off). */
function budgetInForce(context: Context, set: CostBudget | null, kind: 'principal' | 'business'): BudgetValue | null {
  const defaults = defaultBudgets(context.services.config)
  if (!defaults.principal) return null
  if (set) return { ...set, custom: true }
  const fallback = defaults[kind]
  return fallback && { ...fallback, custom: false }
}

for (const ref of [UserRef, ApiMemberRef]) {
  builder.objectField(ref, 'rateLimitBudget', (t) =>
    t.field({
      type: RateLimitBudgetRef,
      nullable: true,
      description: "The size of this principal's cost bucket: its keys share one, its sessions another (null when metering is off).",
      resolve: (row, _args, context) => budgetInForce(context, budgetOf(row.cost_limit, row.cost_restore_rate), 'principal'),
    }),
  )
}

builder.objectField(BusinessRef, 'rateLimitBudget', (t) =>
  t.field({
    type: RateLimitBudgetRef,
    nullable: true,
    description: 'A bucket the whole business shares besides each principal\'s; null: none.',
    resolve: (business, _args, context) =>
      budgetInForce(context, context.principal?.businessId === business.businessId ? context.principal.budgets.business : null, 'business'),
  }),
)

const LIMIT_DESCRIPTION = `Points the bucket holds, ${BUDGET_MIN}–${BUDGET_MAX}. Null with restoreRate: back to the default.`
const RESTORE_DESCRIPTION = `Points restored per second, 1–${BUDGET_MAX} and at most limit.`

const SetRateLimitBudgetInput = builder.inputType('SetRateLimitBudgetInput', {
  fields: (t) => ({
    principalId: t.id({ required: true, description: 'An ApiMember or a User of the business.' }),
    limit: t.int({ required: false, description: LIMIT_DESCRIPTION }),
    restoreRate: t.int({ required: false, description: RESTORE_DESCRIPTION }),
  }),
})

const SetBusinessRateLimitBudgetInput = builder.inputType('SetBusinessRateLimitBudgetInput', {
  fields: (t) => ({
    limit: t.int({ required: false, description: LIMIT_DESCRIPTION }),
    restoreRate: t.int({ required: false, description: RESTORE_DESCRIPTION }),
  }),
})

/** Each value within bounds; both or neither (back to the default); a refill no larger than the bucket. */
function parseBudget(input: { limit?: number | null; restoreRate?: number | null }): CostBudget | null {
  const { limit, restoreRate } = input
  if (limit != null && (limit < BUDGET_MIN || limit > BUDGET_MAX)) throw badInput(`limit must be between ${BUDGET_MIN} and ${BUDGET_MAX}.`, 'input.limit')
  if (restoreRate != null && (restoreRate < 1 || restoreRate > BUDGET_MAX)) {
    throw badInput(`restoreRate must be between 1 and ${BUDGET_MAX}.`, 'input.restoreRate')
  }
  if (limit == null && restoreRate == null) return null
  if (limit == null) throw badInput('Give limit with restoreRate (or neither, for the default).', 'input.limit')
  if (restoreRate == null) throw badInput('Give restoreRate with limit (or neither, for the default).', 'input.restoreRate')
  if (restoreRate > limit) throw badInput('restoreRate may not exceed limit.', 'input.restoreRate')
  return { limit, restoreRate }
}

const columnsOf = (budget: CostBudget | null) => ({ cost_limit: budget?.limit ?? null, cost_restore_rate: budget?.restoreRate ?? null })

/** Sets the budget of a member or user of the caller's business; NOT_FOUND for any other id. */
async function setPrincipalBudget(trx: Kysely<Database>, principal: Principal, globalId: string, budget: CostBudget | null) {
  const { typename, id } = decodeGlobalId(globalId)
  const kind = principalKindOf(typename)
  const changed = kind && isDatabaseId(id)
    ? await trx.updateTable('principals').set(columnsOf(budget))
      .where('business_id', '=', principal.businessId).where('kind', '=', kind).where('id', '=', id)
      .returning('id').executeTakeFirst()
    : undefined
  if (!changed) throw notFound('ApiMember or User', 'input.principalId')
  return { typename, id: changed.id }
}

builder.mutationFields((t) => ({
  setRateLimitBudget: t.field({
    type: RateLimitBudgetRef,
    nullable: true,
    description: "Sets the cost budget of an API member or user (its keys share one bucket of it, its sessions another); limit and restoreRate null: the server's default again. Answers the budget in force. Admins only.",
    args: { input: t.arg({ type: SetRateLimitBudgetInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const budget = parseBudget(input)
      const row = await inTransaction(context, async (trx, principal) => {
        const changed = await setPrincipalBudget(trx, principal, String(input.principalId), budget)
        await auditRequestChange(trx, context, 'rate_limit.update', { type: changed.typename, id: changed.id }, { budget })
        return changed
      })
      await invalidateCredentials(context.services, { principalId: row.id })
      return budgetInForce(context, budget, 'principal')
    },
  }),
  setBusinessRateLimitBudget: t.field({
    type: RateLimitBudgetRef,
    nullable: true,
    description: "Sets the bucket the whole business shares besides each principal's; limit and restoreRate null: the server's default (none unless configured). Admins only.",
    args: { input: t.arg({ type: SetBusinessRateLimitBudgetInput, required: true }) },
    authScopes: { admin: true },
    resolve: async (_root, { input }, context) => {
      const budget = parseBudget(input)
      const businessId = await inTransaction(context, async (trx, principal) => {
        await trx.updateTable('businesses').set(columnsOf(budget)).where('id', '=', principal.businessId).execute()
        await auditRequestChange(trx, context, 'rate_limit.update', { type: 'Business', id: principal.businessId }, { budget })
        return principal.businessId
      })
      await invalidateCredentials(context.services, { businessId })
      return budgetInForce(context, budget, 'business')
    },
  }),
}))
