import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  Kind,
  type SelectionSetNode,
  isAbstractType,
  typeFromAST,
} from 'graphql'
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js'

/**
 * The fields of a selection in the order graphql-jit writes them. The lean lane executes with
 * graphql-jit, and its key order is not graphql-js's once fragments are involved: it walks a
 * selection's own fields before its fragments', takes sibling fragments last first (a stack), and
 * a response name keeps the place of its first occurrence even when @skip/@include drops that
 * one. Which fields are included, and their merged nodes, are graphql's own collectFields; only
 * the order is jit's, so the pass-through read answers the bytes execution answers.
 */

type Collected = Map<string, readonly FieldNode[]>

interface Context {
  schema: GraphQLSchema
  fragments: Record<string, FragmentDefinitionNode>
  variables: Record<string, unknown>
}

/** The operation's root fields, in jit's order. */
export function rootFields(context: Context, type: GraphQLObjectType, selectionSet: SelectionSetNode): Collected {
  return inJitOrder(collectFields(context.schema, context.fragments, context.variables, type, selectionSet), jitOrder(context, type, [selectionSet]))
}

/** A field's subfields on `type` (its nodes merged), in jit's order. */
export function subfieldsOf(context: Context, type: GraphQLObjectType, nodes: readonly FieldNode[]): Collected {
  const sets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []))
  return inJitOrder(collectSubfields(context.schema, context.fragments, context.variables, type, nodes), jitOrder(context, type, sets))
}

function inJitOrder(collected: Collected, order: string[]): Collected {
  const ordered: Collected = new Map()
  for (const key of order) {
    const nodes = collected.get(key)
    if (nodes) ordered.set(key, nodes)
  }
  return ordered
}

/** Response names in first-seen order, walked as graphql-jit walks them (ast.js collectFieldsImpl). */
function jitOrder(context: Context, type: GraphQLObjectType, selectionSets: readonly SelectionSetNode[]): string[] {
  const seen = new Set<string>()
  // One set of visited fragments across the merged nodes, as jit keeps it.
  const visited = new Set<string>()
  for (const selectionSet of selectionSets) {
    const stack: SelectionSetNode[] = [selectionSet]
    while (stack.length > 0) {
      for (const selection of stack.pop()!.selections) {
        if (selection.kind === Kind.FIELD) {
          seen.add(selection.alias?.value ?? selection.name.value)
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (matches(context, selection.typeCondition, type)) stack.push(selection.selectionSet)
        } else {
          const name = selection.name.value
          if (visited.has(name)) continue
          visited.add(name)
          const fragment = context.fragments[name]
          if (fragment && matches(context, fragment.typeCondition, type)) stack.push(fragment.selectionSet)
        }
      }
    }
  }
  return [...seen]
}

function matches(context: Context, condition: InlineFragmentNode['typeCondition'], type: GraphQLObjectType): boolean {
  if (!condition) return true
  const conditional = typeFromAST(context.schema, condition)
  if (conditional === type) return true
  return conditional !== undefined && isAbstractType(conditional) && context.schema.isSubType(conditional, type)
}

/**
 * Directives on fragments: graphql-jit marks a fragment visited at its first spread even when that
 * spread is skipped, so a later spread of it that is included adds nothing, where graphql-js adds
 * its fields. The answers differ in content, not just order: such documents are not passed through.
 */
export function fragmentDirectives(selectionSet: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>, seen = new Set<string>()): boolean {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.selectionSet && fragmentDirectives(selection.selectionSet, fragments, seen)) return true
    } else if (selection.directives?.length) {
      return true
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (fragmentDirectives(selection.selectionSet, fragments, seen)) return true
    } else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value)
      const fragment = fragments[selection.name.value]
      if (fragment && fragmentDirectives(fragment.selectionSet, fragments, seen)) return true
    }
  }
  return false
}
