import type { DocumentNode, ExecutionArgs } from 'graphql'
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit'
import { type Plugin, makeExecute } from 'graphql-yoga'
import type { GraphQLSchema } from 'graphql'
import { jitTakes } from '../graphql/jit-takes.js'

/**
 * graphql-jit: each distinct operation is compiled once into plain JavaScript, which removes most
 * executor and GC work on large selections. One cache serves yoga (useJit) and the lean lane.
 *
 * Compiled per document AND operation name. (@envelop/graphql-jit keys its cache by the document
 * alone, so a document of two operations ran whichever was compiled first for every later
 * operationName: a query priced as its cheap operation could run its expensive one.)
 */
export interface JitCache {
  /** The compiled operation, or null when jit does not take it (introspection) or cannot compile it. */
  compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CompiledQuery | null
}

/** Our custom scalars already validate and serialize; jit must not re-serialize leaves differently. */
const COMPILER_OPTIONS = { disableLeafSerialization: false }

export function createJitCache(): JitCache {
  const byDocument = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>()
  return {
    compiled(schema, document, operationName) {
      let operations = byDocument.get(document)
      if (!operations) byDocument.set(document, (operations = new Map()))
      const key = operationName ?? ''
      let compiled = operations.get(key)
      if (compiled === undefined) {
        const result = jitTakes(document) ? compileQuery(schema, document, operationName ?? undefined, COMPILER_OPTIONS) : null
        compiled = result && isCompiledQuery(result) ? result : null
        operations.set(key, compiled)
      }
      return compiled
    },
  }
}

/** Executes through the cache's compiled operations; what jit does not take runs on graphql-js. */
export function useJit(cache: JitCache): Plugin {
  const execute = makeExecute((args: ExecutionArgs) => {
    const compiled = cache.compiled(args.schema, args.document, args.operationName)!
    return compiled.query(args.rootValue, args.contextValue, args.variableValues ?? {}) as never
  })
  return {
    onExecute({ args, setExecuteFn }) {
      if (cache.compiled(args.schema, args.document, args.operationName)) setExecuteFn(execute)
    },
  }
}
