import { GraphQLError, type ValidationRule } from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { badVariable } from '../graphql/errors.js'

/**
 * Text PostgreSQL cannot store is refused at the door. A NUL character fails any statement that
 * carries it (a masked error deep inside a write), and a lone UTF-16 surrogate would be stored as
 * U+FFFD, silently changing what the client sent. Neither is ever meaningful input, so every
 * string — a literal in the document or a value in the variables — must be well-formed Unicode
 * without NUL: a literal is a validation error, a variable is BAD_USER_INPUT naming its path.
 */

const MESSAGE = 'Text may not contain NUL characters or invalid Unicode (lone surrogates).'

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const isStorableText = (value: string) => !UNSTORABLE.test(value)

const StorableStringLiterals: ValidationRule = (context) => ({
  StringValue(node) {
    if (!isStorableText(node.value)) context.reportError(new GraphQLError(`String literal: ${MESSAGE}`, { nodes: node }))
  },
})

/** The dotted path of the first string in `value` that cannot be stored, if any. */
function firstUnstorable(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path
  // Object keys count too: a key with a NUL names no field, but must not reach a message or log whole.
  if (depth > 64 || value === null || typeof value !== 'object') return null
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value)
  for (const [key, item] of entries) {
    if (!isStorableText(key)) return path
    const found = firstUnstorable(item, `${path}.${key}`, depth + 1)
    if (found) return found
  }
  return null
}

export function useStorableText(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(StorableStringLiterals)
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refusal = unstorableVariables(args.variableValues)
      if (refusal) setResultAndStopExecution({ errors: [refusal] })
    },
  }
}

/** BAD_USER_INPUT naming the first variable (or the path in it) holding text PostgreSQL cannot store; null when all can be stored. */
export function unstorableVariables(variables: Record<string, unknown> | null | undefined): GraphQLError | null {
  for (const [name, value] of Object.entries(variables ?? {})) {
    const path = isStorableText(name) ? firstUnstorable(value, name) : 'variables'
    if (path) {
      const field = path.slice(0, 200)
      return badVariable(`${field}: ${MESSAGE}`, field)
    }
  }
  return null
}
