import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestServer, startTestServer } from '../setup/app.js'
import { type SignedIn, signInAsAdmin } from '../setup/clients.js'

let server: TestServer
let admin: SignedIn

beforeAll(async () => {
  server = await startTestServer()
  admin = await signInAsAdmin(server)
})
afterAll(() => server?.close())

/** Both media types a client may ask for: yoga's default answer differs between them. */
const ACCEPTS = ['application/json', 'application/graphql-response+json']

const only = (body: { errors?: Array<{ message: string; extensions?: Record<string, any> }> }) => {
  expect(body.errors).toHaveLength(1)
  return body.errors![0]!
}

/** GraphQL over HTTP: a request refused before it ran is 400 to the new media type, 200 to legacy application/json. */
const STATUS_FOR: Record<string, number> = { 'application/json': 200, 'application/graphql-response+json': 400 }

describe('errors the document itself causes', () => {
  it.each(ACCEPTS)('a syntax error is GRAPHQL_PARSE_FAILED (accept %s: its status)', async (accept) => {
    const { status, headers, body } = await server.graphql('{ jobs(first: 1) { totalCount }', { headers: { ...admin.headers, accept } })
    expect(status).toBe(STATUS_FOR[accept])
    expect(headers.get('content-type')).toContain(accept)
    expect(only(body).extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
    expect(body.data).toBeUndefined()
  })

  it.each(ACCEPTS)('an unknown field is GRAPHQL_VALIDATION_FAILED (accept %s: its status)', async (accept) => {
    const { status, body } = await server.graphql('{ jobs(first: 1) { nope } }', { headers: { ...admin.headers, accept } })
    expect(status).toBe(STATUS_FOR[accept])
    expect(only(body).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it.each(ACCEPTS)('a query over the cost ceiling and bad variables follow the same rule (accept %s)', async (accept) => {
    const tooCostly = await server.graphql('{ jobs(first: 100) { nodes { salesOrders(first: 100) { nodes { job { purchaseOrders(first: 100) { nodes { id } } } } } } } }', {
      headers: { ...admin.headers, accept },
    })
    expect(tooCostly.status).toBe(STATUS_FOR[accept])
    expect(only(tooCostly.body).extensions?.code).toBe('QUERY_TOO_COMPLEX')
    const badVariable = await server.graphql('query($n: Int) { jobs(first: $n) { totalCount } }', { headers: { ...admin.headers, accept }, variables: { n: 'ten' } })
    expect(badVariable.status).toBe(STATUS_FOR[accept])
    expect(only(badVariable.body).extensions?.code).toBe('BAD_USER_INPUT')
    // Not a GraphQL request at all: 400 for everyone.
    const noQuery = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...admin.headers }, body: '{}' })
    expect(noQuery.status).toBe(400)
  })

  it('an unknown enum literal written in the document is GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await server.graphql('{ jobs(filter: { status: [FINISHED] }) { totalCount } }', {
      headers: admin.headers,
    })
    expect(status).toBe(400)
    const error = only(body)
    expect(error.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(error.message).toMatch(/"FINISHED" does not exist in "JobStatus"/)
  })
})

describe('bad variable values', () => {
  const JOBS = 'query Jobs($first: Int, $filter: JobFilter) { jobs(first: $first, filter: $filter) { totalCount } }'

  it('a value of the wrong type is BAD_USER_INPUT naming the variable, HTTP 400, and nothing runs', async () => {
    const { status, body } = await server.graphql(JOBS, { headers: admin.headers, variables: { first: 'ten' } })
    expect(status).toBe(400)
    const error = only(body)
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    expect(error.message).toMatch(/Int cannot represent/)
    expect(body.data).toBeUndefined()
  })

  it('an unknown enum value inside a variable names the path inside it', async () => {
    const { status, body } = await server.graphql(JOBS, {
      headers: admin.headers,
      variables: { filter: { status: ['WIP', 'FINISHED'] } },
    })
    expect(status).toBe(400)
    expect(only(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.status.1' })
  })

  it('a missing required variable is BAD_USER_INPUT', async () => {
    const { status, body } = await server.graphql('query Job($id: ID!) { job(id: $id) { id } }', { headers: admin.headers })
    expect(status).toBe(400)
    expect(only(body).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' })
  })

  it('a value a custom scalar refuses is BAD_USER_INPUT, not a masked error', async () => {
    const { status, body } = await server.graphql(JOBS, {
      headers: admin.headers,
      variables: { filter: { updatedSince: 'yesterday-ish' } },
    })
    expect(status).toBe(400)
    const error = only(body)
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.updatedSince' })
    expect(error.message).not.toBe('Unexpected error.')
  })

  it('a good request still answers 200 after all of these', async () => {
    const { status, body } = await server.graphql(JOBS, { headers: admin.headers, variables: { first: 5 } })
    expect(status).toBe(200)
    expect({ ...body, extensions: undefined }).toEqual({ data: { jobs: { totalCount: 0 } } })
  })
})

describe('requests that are not GraphQL requests', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...admin.headers, ...headers }, body })
  const refusal = async (response: Response) => ({ status: response.status, body: await response.json() })

  it('bad JSON is BAD_REQUEST, 400, without the parser’s message', async () => {
    const { status, body } = await refusal(await post('{"query": "{ __typename }", '))
    expect(status).toBe(400)
    expect(only(body).extensions).toEqual({ code: 'BAD_REQUEST' })
  })

  it('no query, or an operation name that names nothing, is BAD_REQUEST, 400', async () => {
    for (const response of [
      await post('{}'),
      await fetch(`${server.url}/graphql`, { headers: { accept: 'application/json', ...admin.headers } }),
      await post(JSON.stringify({ query: 'query A { __typename } query B { __typename }' })),
      await post(JSON.stringify({ query: 'query A { __typename }', operationName: 'C' })),
    ]) {
      const { status, body } = await refusal(response)
      expect(status).toBe(400)
      expect(only(body).extensions?.code).toBe('BAD_REQUEST')
    }
  })

  it('a content type that is no GraphQL request is a 415 with a body that says so; a PUT stays 405', async () => {
    const { status, body } = await refusal(await post('hello', { 'content-type': 'text/plain' }))
    expect(status).toBe(415)
    expect(only(body).extensions?.code).toBe('BAD_REQUEST')
    const put = await fetch(`${server.url}/graphql`, { method: 'PUT', headers: { 'content-type': 'application/json', ...admin.headers }, body: '{}' })
    expect(put.status).toBe(405)
    expect(only(await put.json()).extensions?.code).toBe('BAD_REQUEST')
  })

  it('a GET whose variables or extensions are not JSON is BAD_REQUEST, 400', async () => {
    for (const parameter of ['variables={bad', 'extensions={bad']) {
      const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ __typename }')}&${parameter}`, { headers: { accept: 'application/json', ...admin.headers } })
      const { status, body } = await refusal(response)
      expect(status, parameter).toBe(400)
      expect(only(body).extensions?.code).toBe('BAD_REQUEST')
    }
  })

  it('form and multipart POSTs are a 415: Gatehouse takes JSON only', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const { status, body } = await refusal(await post('query=%7B__typename%7D', { 'content-type': type }))
      expect(status, type).toBe(415)
      expect(only(body).extensions?.code).toBe('BAD_REQUEST')
    }
  })

  it('a body over the limit is 413 whether it declares its length or streams it chunked; a chunked body within it runs', async () => {
    // fetch sends a ReadableStream body chunked, without Content-Length.
    const chunked = (text: string, pieces: number) => {
      const size = Math.ceil(text.length / pieces)
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < text.length; at += size) controller.enqueue(new TextEncoder().encode(text.slice(at, at + size)))
          controller.close()
        },
      })
      return fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...admin.headers },
        body: stream,
        duplex: 'half',
      } as RequestInit)
    }
    const large = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(2 * 1024 * 1024) } })
    for (const response of [await post(large), await chunked(large, 64)]) {
      const { status, body } = await refusal(response)
      expect(status).toBe(413)
      expect(only(body)).toMatchObject({ message: expect.stringContaining('too large'), extensions: { code: 'BAD_REQUEST' } })
    }
    const small = await chunked(JSON.stringify({ query: '{ viewer { business { slug } } }' }), 3)
    expect(small.status).toBe(200)
    expect(((await small.json()) as any).data.viewer.business.slug).toBeTruthy()
  })

  it('an operation type the schema does not have is GRAPHQL_VALIDATION_FAILED, never an error without a code', async () => {
    const { status, body } = await refusal(await post(JSON.stringify({ query: 'subscription { __typename }' })))
    expect(status).toBe(400)
    expect(only(body).extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })
})
