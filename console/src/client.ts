/**
 * The console's one way to call Gatehouse: a generated TypedDocumentNode (console/src/gql, from
 * `npm run codegen`) and its variables in, its typed result out. Same origin as /graphql, JSON POST,
 * the session token as a Bearer credential. Any GraphQL error becomes a ContractError carrying the
 * contract's code, so every screen shows "CODE: message".
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'
import { print } from 'graphql'
import { session } from './session.js'

export interface FieldProblem {
  field: string
  message: string
}

export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message)
  }
}

interface GraphQLFailure {
  message: string
  extensions?: { code?: string; field?: string; fields?: FieldProblem[] }
}

const printed = new WeakMap<object, string>()
const textOf = (document: object) => {
  let text = printed.get(document)
  if (!text) printed.set(document, (text = print(document as Parameters<typeof print>[0])))
  return text
}

/** Called when the server says the session is no longer valid (UNAUTHENTICATED). */
let onSessionEnded: (message: string) => void = () => {}
export const whenSessionEnds = (listener: (message: string) => void) => {
  onSessionEnded = listener
}

export async function request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result> {
  const token = session.token()
  let response: Response
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: textOf(document), variables }),
    })
  } catch {
    throw new ContractError('NETWORK', 'Gatehouse could not be reached. Check the server and try again.')
  }
  let body: { data?: Result | null; errors?: GraphQLFailure[] }
  try {
    body = await response.json()
  } catch {
    throw new ContractError('HTTP_' + response.status, `The server answered ${response.status} without a GraphQL body.`)
  }
  const [first] = body.errors ?? []
  if (first) {
    const code = first.extensions?.code ?? 'INTERNAL_SERVER_ERROR'
    if (code === 'UNAUTHENTICATED' && token) onSessionEnded(first.message)
    throw new ContractError(code, first.message, first.extensions?.field, first.extensions?.fields ?? [])
  }
  return body.data as Result
}

export const errorOf = (error: unknown): ContractError =>
  error instanceof ContractError ? error : new ContractError('CLIENT_ERROR', error instanceof Error ? error.message : String(error))
