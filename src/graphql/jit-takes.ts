import { type DocumentNode, Kind } from 'graphql'

/**
 * Which executor runs a document: graphql-jit (server/jit.ts) or graphql-js. The two write a
 * response's keys in different orders once fragments are involved, and the pass-through read
 * (records/read/field-order.ts) must write the order of the one that would have run.
 */

/**
 * Introspection stays on graphql-js, where tooling expects exact behaviour: a document any of
 * whose operations selects `__schema`, `__type` or `__typename` at its root.
 */
export function jitTakes(document: DocumentNode): boolean {
  return !document.definitions.some(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__')),
  )
}
