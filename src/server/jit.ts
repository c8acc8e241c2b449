import { useGraphQlJit } from '@envelop/graphql-jit'
import type { Plugin } from 'graphql-yoga'

/**
 * Executes through graphql-jit: each distinct document is compiled once into plain JavaScript
 * (cached beside yoga's parse/validate cache), which removes most executor and GC work on large
 * selections. Introspection stays on graphql-js, where tooling expects exact behaviour.
 */
export function useJit(): Plugin {
  return useGraphQlJit(
    {
      // Our custom scalars already validate; jit must not re-serialize in a different way.
      disableLeafSerialization: false,
    },
    {
      enableIf: (args) =>
        !args.document.definitions.some(
          (definition) =>
            definition.kind === 'OperationDefinition' &&
            definition.selectionSet.selections.some(
              (selection) => selection.kind === 'Field' && selection.name.value.startsWith('__'),
            ),
        ),
    },
  ) as Plugin
}
