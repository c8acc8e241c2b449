import { Kind, type OperationDefinitionNode, type SelectionSetNode, getOperationAST } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import type { Context } from '../context.js'
import { badRequest, unauthenticated } from '../graphql/errors.js'
import { type FragmentMap, fragmentsOf } from '../graphql/fragments.js'

/** Root fields an anonymous caller may use: signing in, and `__typename`. */
const ANONYMOUS_FIELDS = new Set(['signIn', '__typename'])
const INTROSPECTION_FIELDS = new Set(['__schema', '__type'])

/**
 * Two rules about who an operation runs as, enforced before anything executes:
 * - an anonymous operation is refused with UNAUTHENTICATED (HTTP 401) unless every root field is
 *   open: `signIn`, `__typename`, and introspection outside production;
 * - `signIn` stands alone in its operation (beside `__typename`). A successful sign-in makes the
 *   rest of the operation run as the user just signed in (its payload reads that user's role and
 *   team), so nothing else may share the operation: neither fields before it, whose permissions
 *   were already decided for whoever sent the request, nor fields after it.
 */
export function useRequireCredential(options: { allowAnonymousIntrospection: boolean }): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as Context
      const operation = getOperationAST(args.document, args.operationName)
      const names = operation ? rootFieldNames(operation, fragmentsOf(args.document)) : null
      if (names?.includes('signIn') && names.filter((name) => name !== '__typename').length > 1) {
        setResultAndStopExecution({ errors: [badRequest('`signIn` must be the only field of its operation: send other fields in a request of their own, with the new token.')] })
        return
      }
      if (context.principal) return
      const open = (name: string) => ANONYMOUS_FIELDS.has(name) || (options.allowAnonymousIntrospection && INTROSPECTION_FIELDS.has(name))
      if (!names || !names.every(open)) setResultAndStopExecution({ errors: [unauthenticated()] })
    },
  }
}

/** The root field names an operation selects, through fragments and inline fragments; null when a fragment is missing. */
function rootFieldNames(operation: OperationDefinitionNode, fragments: FragmentMap): string[] | null {
  const names: string[] = []
  // Each fragment is collected once: the set of root names is all that is asked, and a fragment
  // spread many times must not cost one walk per spread.
  const visited = new Set<string>()
  const collect = (selectionSet: SelectionSetNode): boolean =>
    selectionSet.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return names.push(selection.name.value) > 0
      if (selection.kind === Kind.INLINE_FRAGMENT) return collect(selection.selectionSet)
      const fragment = fragments[selection.name.value]
      if (!fragment) return false
      if (visited.has(selection.name.value)) return true
      visited.add(selection.name.value)
      return collect(fragment.selectionSet)
    })
  return collect(operation.selectionSet) ? names : null
}
