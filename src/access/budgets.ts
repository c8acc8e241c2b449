import type { Config } from '../config.js'
import type { CostBudget } from './principal.js'

/**
 * The cost budgets the configuration gives principals and businesses no admin set one for. The
 * principal's is null when metering is off; the business's when there is no business-wide bucket.
 */
export function defaultBudgets(config: Config): { principal: CostBudget | null; business: CostBudget | null } {
  const business = config.GATEHOUSE_BUSINESS_COST_LIMIT
  return {
    principal: config.GATEHOUSE_COST_LIMIT > 0
      ? { limit: config.GATEHOUSE_COST_LIMIT, restoreRate: config.GATEHOUSE_COST_RESTORE_RATE }
      : null,
    business: business > 0
      ? { limit: business, restoreRate: config.GATEHOUSE_BUSINESS_COST_RESTORE_RATE ?? Math.max(1, Math.floor(business / 50)) }
      : null,
  }
}

/** A budget as stored (limit and restore rate both set, or both null). */
export const budgetOf = (limit: number | null, restoreRate: number | null): CostBudget | null =>
  limit !== null && restoreRate !== null ? { limit, restoreRate } : null
