import { lexicographicSortSchema, type GraphQLSchema } from 'graphql'
import { builder } from './graphql/builder.js'
import { modules } from './modules.js'
import { defineDeletedRecords } from './records/fields/deleted-records.js'
import { defineNodeFields } from './records/fields/node-fields.js'
import { resourceNodeSource } from './records/read/reads.js'

let schema: GraphQLSchema | undefined

/** The GraphQL schema, built once per process. */
export function getSchema(): GraphQLSchema {
  if (!schema) {
    // The modules defined their types when imported (modules.ts); the fields over all of their
    // record types come last, given the list.
    const resources = new Map(modules.flatMap((module) => module.resources).map((resource) => [resource.typeName, resource]))
    const nodeSources = new Map(
      [...[...resources.values()].map(resourceNodeSource), ...modules.flatMap((module) => module.nodeSources ?? [])].map(
        (source) => [source.typeName, source],
      ),
    )
    defineNodeFields(nodeSources)
    defineDeletedRecords(resources)
    builder.queryType({})
    builder.mutationType({})
    schema = builder.toSchema({ sortSchema: false })
  }
  return schema
}

/** The schema as printed SDL source: sorted, so the committed file diffs cleanly. */
export function sortedSchema(): GraphQLSchema {
  return lexicographicSortSchema(getSchema())
}
