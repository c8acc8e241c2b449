import { lexicographicSortSchema, type GraphQLSchema } from 'graphql'
import { builder } from './graphql/builder.js'

// Each domain module defines its types and root fields when imported; this is the one list of them.
import './admin/keys/api-keys.graphql.js'
import './admin/audit/audit-events.graphql.js'
import './admin/auth/auth.graphql.js'
import './admin/members/members.graphql.js'
import './admin/roles/roles.graphql.js'
import './admin/teams/teams.graphql.js'
import './admin/users/users.graphql.js'
import './admin/viewer/viewer.graphql.js'
import './crm/contacts/contacts.graphql.js'
import './crm/contacts/contacts.mutations.js'
import './orders/jobs/jobs.graphql.js'
import './orders/jobs/jobs.mutations.js'
import './orders/purchase-orders/purchase-orders.graphql.js'
import './orders/purchase-orders/purchase-orders.mutations.js'
import './orders/sales-orders/sales-orders.graphql.js'
import './orders/sales-orders/sales-orders.mutations.js'
import './orders/suppliers/suppliers.graphql.js'
import './orders/suppliers/suppliers.mutations.js'
import './records/fields/deleted-records.js'
import './records/fields/node-fields.js'

builder.queryType({})
builder.mutationType({})

let schema: GraphQLSchema | undefined

/** The GraphQL schema, built once per process. */
export function getSchema(): GraphQLSchema {
  schema ??= builder.toSchema({ sortSchema: false })
  return schema
}

/** The schema as printed SDL source: sorted, so the committed file diffs cleanly. */
export function sortedSchema(): GraphQLSchema {
  return lexicographicSortSchema(getSchema())
}
