import { lexicographicSortSchema, type GraphQLSchema } from 'graphql'
import { builder } from './builder.js'

// Each domain module defines its types and root fields when imported; this is the one list of them.
import '../crm/contacts/contacts.graphql.js'
import '../orders/jobs/jobs.graphql.js'
import '../orders/purchase-orders/purchase-orders.graphql.js'
import '../orders/sales-orders/sales-orders.graphql.js'
import '../orders/suppliers/suppliers.graphql.js'
import '../read/node-fields.js'

builder.queryType({})

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
