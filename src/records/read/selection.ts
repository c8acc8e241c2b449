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
 * What a connection's selection asks of its nodes (through `nodes` and `edges { node }`) and
 * whether it wants `totalCount`. A relation selected twice under one name with different
 * arguments cannot share one prefetch: it is left out and its resolver loads it instead.
 */
export function connectionSelection(tree: ResolveTree, nodeTypeName: string): { nodes: Selection; wantsCount: boolean } {
  const nodes: Selection = {}
  const conflicts = new Set<string>()
  let wantsCount = false
  const merge = (selection: Selection) => {
    for (const [name, field] of Object.entries(selection)) {
      const existing = nodes[name]
      if (!existing) nodes[name] = field
      else if (JSON.stringify(existing.args) !== JSON.stringify(field.args)) conflicts.add(name)
      else nodes[name] = mergeTrees(existing, field)
    }
  }
  for (const connectionFields of Object.values(tree.fieldsByTypeName) as Selection[]) {
    for (const field of Object.values(connectionFields)) {
      if (field.name === 'totalCount') wantsCount = true
      if (field.name === 'nodes') merge(fieldsOf(field, nodeTypeName))
      if (field.name === 'edges') {
        for (const edgeFields of Object.values(field.fieldsByTypeName) as Selection[]) {
          for (const edgeField of Object.values(edgeFields)) {
            if (edgeField.name === 'node') merge(fieldsOf(edgeField, nodeTypeName))
          }
        }
      }
    }
  }
  for (const name of conflicts) delete nodes[name]
  return { nodes, wantsCount }
}

function mergeTrees(a: ResolveTree, b: ResolveTree): ResolveTree {
  const fieldsByTypeName: Record<string, Selection> = { ...(a.fieldsByTypeName as Record<string, Selection>) }
  for (const [typeName, fields] of Object.entries(b.fieldsByTypeName as Record<string, Selection>)) {
    fieldsByTypeName[typeName] = { ...(fieldsByTypeName[typeName] ?? {}), ...fields }
  }
  return { ...a, fieldsByTypeName }
}

