import { type GraphQLError, getOperationAST, getVariableValues } from 'graphql'
import { type Plugin, isAsyncIterable } from 'graphql-yoga'
import { badVariable } from '../graphql/errors.js'

/** Codes of a request refused as a whole because of its document: always HTTP 400. */
const DOCUMENT_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COMPLEX'])
const VARIABLE_ERROR = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"(?: got invalid value .*? at "([^"]+)")?/s

/**
 * Gives the errors yoga and the executor make themselves the contract's codes and statuses:
 * - a variable whose value does not fit its type is BAD_USER_INPUT naming the variable (or the
 *   path inside it), HTTP 400: the executor reports it with no code at all;
 * - a document refused by the parser, validation or the query limits is HTTP 400 whatever the
 *   client accepts: yoga answers 200 to `Accept: application/json` (the GraphQL-over-HTTP
 *   spec's legacy rule), which clients that look only at the status take for success.
 */
export function useContractErrorCodes(): Plugin {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          // Variable coercion fails before anything runs: errors and no data at all.
          if (isAsyncIterable(result) || !result.errors || result.data !== undefined) return
          if (!result.errors.some((error) => VARIABLE_ERROR.test(error.message))) return
          // graphql-jit names only the innermost field of a bad nested value; graphql-js's own
          // coercion (run again, on this failure path only) gives the full path inside the variable.
          const operation = getOperationAST(args.document, args.operationName)
          const precise = operation
            ? getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {}).errors
            : undefined
          setResult({ ...result, errors: (precise ?? result.errors).map(recodeVariableError) })
        },
      }
    },
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        if (isAsyncIterable(single)) continue
        for (const error of single.errors ?? []) {
          if (!DOCUMENT_CODES.has(String(error.extensions?.code))) continue
          // yoga reads the status from extensions.http (stripped from the response body); `spec`
          // is what makes it fall back to 200 for application/json.
          const extensions = error.extensions as Record<string, unknown>
          const http = (extensions.http ?? {}) as Record<string, unknown>
          extensions.http = { ...http, status: 400, spec: false }
        }
      }
    },
  }
}

function recodeVariableError(error: GraphQLError): GraphQLError {
  const match = VARIABLE_ERROR.exec(error.message)
  if (!match) return error
  const [, name, path] = match
  // graphql prints the path inside a variable as `input.lines[2].quantity`; fields are dotted.
  return badVariable(error.message, (path ?? name!).replace(/\[(\d+)\]/g, '.$1'))
}
