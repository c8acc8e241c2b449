import { Kind, type OperationDefinitionNode, type SelectionSetNode, getOperationAST } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Context } from '../context.js'
import { unauthenticated } from '../graphql/errors.js'

/** Root fields an anonymous caller may use: signing in, and `__typename`. */
const ANONYMOUS_FIELDS = new Set(['signIn', '__typename'])
const INTROSPECTION_FIELDS = new Set(['__schema', '__type'])

/**
 * Refuses anonymous operations with UNAUTHENTICATED (HTTP 401) before anything executes, unless
 * every root field is open: `signIn`, `__typename`, and introspection outside production.
 */
export function useRequireCredential(options: { allowAnonymousIntrospection: boolean }): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Context
      if (context.principal) return
      const operation = getOperationAST(args.document, args.operationName)
      if (!operation || !onlyOpenFields(operation, args.document.definitions, options.allowAnonymousIntrospection)) {
        setResultAndStopExecution({ errors: [unauthenticated()] })
      }
    },
  }
}

function onlyOpenFields(
  operation: OperationDefinitionNode,
  definitions: readonly unknown[],
  allowIntrospection: boolean,
): boolean {
  const fragments = new Map<string, SelectionSetNode>()
  for (const definition of definitions as OperationDefinitionNode[]) {
    const node = definition as unknown as { kind: string; name?: { value: string }; selectionSet: SelectionSetNode }
    if (node.kind === Kind.FRAGMENT_DEFINITION && node.name) fragments.set(node.name.value, node.selectionSet)
  }
  const check = (selectionSet: SelectionSetNode, seen: Set<string>): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value
        return ANONYMOUS_FIELDS.has(name) || (allowIntrospection && INTROSPECTION_FIELDS.has(name))
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return check(selection.selectionSet, seen)
      const name = selection.name.value
      const fragment = fragments.get(name)
      if (!fragment || seen.has(name)) return !fragment ? false : true
      return check(fragment, new Set([...seen, name]))
    })
  return check(operation.selectionSet, new Set())
}
