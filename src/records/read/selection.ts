import type { ResolveTree } from 'graphql-parse-resolve-info'

/**
 * Reading a GraphQL selection: which fields a query asks for on each type, aliases and fragments
 * merged, as the statement builder (statement.ts) needs them.
 */

/** Fields selected on one object type, keyed by response name (alias). */
export type Selection = Record<string, ResolveTree>

/** The fields selected on `typeName` in a field's subtree (fragments already merged by the parser). */
export function fieldsOf(tree: ResolveTree, typeName: string): Selection {
  return (tree.fieldsByTypeName[typeName] as Selection | undefined) ?? {}
}

/**
 * Marks a field kept only for the columns it reads: two fields met under one response name (in a
 * connection's `nodes` and its `edges { node }`) asking different things. Its relation, if it is
 * one, is not prefetched — its resolver loads it, keyed by its own path — but a scalar still needs
 * its column. `#` cannot start a GraphQL name, so no response name reaches these keys.
 */
export const COLUMNS_ONLY = '#'

/**
 * What a connection's selection asks of its nodes (through `nodes` and `edges { node }`, merged)
 * and whether it wants `totalCount`.
 */
export function connectionSelection(tree: ResolveTree, nodeTypeName: string): { nodes: Selection; wantsCount: boolean } {
  let nodes: Selection = {}
  let wantsCount = false
  for (const connectionFields of Object.values(tree.fieldsByTypeName) as Selection[]) {
    for (const field of Object.values(connectionFields)) {
      if (field.name === 'totalCount') wantsCount = true
      if (field.name === 'nodes') nodes = mergeSelections(nodes, fieldsOf(field, nodeTypeName))
      if (field.name === 'edges') {
        for (const edgeFields of Object.values(field.fieldsByTypeName) as Selection[]) {
          for (const edgeField of Object.values(edgeFields)) {
            if (edgeField.name === 'node') nodes = mergeSelections(nodes, fieldsOf(edgeField, nodeTypeName))
          }
        }
      }
    }
  }
  return { nodes, wantsCount }
}

/**
 * Two selections of one type as one, all the way down. The same field with the same arguments
 * under one response name merges; anything else under one name (another field, other arguments)
 * makes that name a conflict: every side is kept under a COLUMNS_ONLY key, so one prefetch can
 * never answer for the other.
 */
function mergeSelections(a: Selection, b: Selection): Selection {
  const merged: Selection = { ...a }
  for (const [name, field] of Object.entries(b)) {
    const conflicted = `${COLUMNS_ONLY}${name}#`
    const existing = merged[name]
    if (existing && existing.name === field.name && sameArgs(existing.args, field.args)) {
      merged[name] = mergeTrees(existing, field)
    } else if (existing || `${conflicted}0` in merged) {
      if (existing) merged[`${conflicted}0`] = existing
      delete merged[name]
      let index = 1
      while (`${conflicted}${index}` in merged) index++
      merged[`${conflicted}${index}`] = field
    } else {
      merged[name] = field
    }
  }
  return merged
}

const sameArgs = (a: ResolveTree['args'], b: ResolveTree['args']) => JSON.stringify(a) === JSON.stringify(b)

function mergeTrees(a: ResolveTree, b: ResolveTree): ResolveTree {
  const fieldsByTypeName: Record<string, Selection> = { ...(a.fieldsByTypeName as Record<string, Selection>) }
  for (const [typeName, fields] of Object.entries(b.fieldsByTypeName as Record<string, Selection>)) {
    fieldsByTypeName[typeName] = mergeSelections(fieldsByTypeName[typeName] ?? {}, fields)
  }
  return { ...a, fieldsByTypeName }
}
