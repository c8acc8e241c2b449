import { sql } from 'kysely'
import { levelOf } from '../../access/permissions.js'
import type { Resource } from '../resource.js'
import { rowScope } from '../row-scope.js'
import { type AnySelect, type AppliedFilter, type ReadScope, applyFilter } from './statement.js'

/**
 * The select of a root list's `totalCount`, as one column named `column`: the rows the caller may
 * read that pass the filter. A caller who reads every live row of the business (level ALL) and
 * filters nothing gets the business's maintained count (migrations …_live_row_counts.ts: a sum of
 * a few deltas) instead of a scan of every live row; anyone else counts the rows themselves. Both
 * are exact in the statement's snapshot. Whether the maintained count applies depends only on the
 * levels and the filter's shape, which are the statement's shape, never on values.
 */
export function totalCountQuery(scope: ReadScope, resource: Resource, filter: AppliedFilter, alias: string, column: string): AnySelect {
  if (countsEveryLiveRow(scope, resource, filter)) {
    return scope.db
      .selectFrom(`live_row_counts as ${alias}`)
      .select(sql<number>`coalesce(sum(${sql.ref(`${alias}.delta`)}), 0)::int`.as(column))
      .where(`${alias}.business_id`, '=', scope.principal.businessId)
      .where(`${alias}.table_name`, '=', resource.table)
  }
  const counted = scope.db.selectFrom(`${resource.table} as ${alias}`).select(sql<number>`count(*)::int`.as(column))
  return applyFilter(counted.where(rowScope(resource, scope.principal, 'INQUIRE', alias)), resource, alias, filter)
}

function countsEveryLiveRow(scope: ReadScope, resource: Resource, filter: AppliedFilter): boolean {
  return (
    resource.softDelete &&
    levelOf(scope.principal.permissions, resource.module, 'INQUIRE') === 'ALL' &&
    !filter.updatedSince &&
    !filter.searchPattern &&
    filter.columns.length === 0
  )
}
