import fc from 'fast-check'
import { type DocumentNode, type ExecutionResult, getNamedType, isObjectType, parse, validate } from 'graphql'
import { queryCost } from '../../../src/server/cost/estimate.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getSchema } from '../../../src/schema.js'
import { encodeGlobalId } from '../../../src/graphql/global-id.js'
import { executeAs, passThroughAs } from '../../setup/in-process.js'
import { planCacheStats } from '../../../src/records/read/passthrough.js'
import { type ReadWorld, buildReadWorld, grant, mayRead, principalOf } from '../../setup/read-world.js'
import { referenceAnswer } from '../../setup/reference-reader.js'
import { ROOT_LISTS, ROOT_LOOKUPS, TYPE_NAMES, type TypeName, isTypeName, referenceKnows } from '../../setup/reference-records.js'
import { type Pools, ReadDocuments, matrixArb } from './read-arbitraries.js'
import { answerDifference, describeRole, globalIdsIn, short } from './read-compare.js'
import { printDocument } from './read-documents.js'

/**
 * The read path against an independent reference (test/setup/reference-reader.ts), over random
 * valid documents (every root list and lookup, node and nodes, relations four deep, aliases of 1 to
 * 80 characters that shadow the compiler's own names, fragments, @skip / @include, connections
 * with cursors and filters), each under a random role (each module's INQUIRE level drawn from ALL,
 * MY, MINE, NONE) as a random caller of one of two businesses, then as that caller's twin in the
 * other business (the same shape, other values: served by the compiled-statement cache, each use
 * checked against a fresh compile). The whole answer must be the
 * reference's: the data, and the errors (code and path). And, checked apart in plain JavaScript, no
 * global id in the answer may name a row of the other business or one outside the caller's scope.
 *
 * Replay a failure with the seed and path it prints:
 *   READ_PROPERTY_SEED=<seed> READ_PROPERTY_PATH=<path> npx vitest run test/records/read/read-property.test.ts
 * READ_PROPERTY_RUNS sets the number of cases (default sized for ~50 s on PGlite on two cores).
 */

const DEFAULT_RUNS = 1200
const runs = Number(process.env.READ_PROPERTY_RUNS ?? DEFAULT_RUNS)
const seed = process.env.READ_PROPERTY_SEED !== undefined ? Number(process.env.READ_PROPERTY_SEED) : Date.now() % 2 ** 31
const path = process.env.READ_PROPERTY_PATH
/** Shrinking a failure stops after this long, reporting the smallest case found so far. */
const SHRINK_BUDGET_MS = 60_000
/** A hard stop below the test's timeout, so a slow machine still gets fast-check's report. */
const TIME_LIMIT_MS = 200_000
const TEST_TIMEOUT_MS = 240_000

let world: ReadWorld
beforeAll(async () => {
  world = await buildReadWorld()
}, 120_000)
afterAll(() => world?.database.close())

/** Where two texts part, with some context: `at 120: …"a":1,"b"… vs …"a":1,"c"…`. */
function firstDifference(a: string, b: string): string {
  let at = 0
  while (at < a.length && a[at] === b[at]) at++
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 80), at + 80))
  return `at ${at}:\n  pass-through ${around(a)}\n  execution    ${around(b)}`
}

function pools(world: ReadWorld): Pools {
  const byType = (type: TypeName) => world.records.filter((record) => record.type === type)
  const ids = Object.fromEntries(TYPE_NAMES.map((type) => [type, byType(type).map((record) => record.globalId)])) as Pools['ids']
  const cursorRows = Object.fromEntries(
    TYPE_NAMES.map((type) => [type, byType(type).map((record) => ({ id: record.id, updatedText: record.updatedText }))]),
  ) as Pools['cursorRows']
  return {
    ids,
    cursorRows,
    bogusIds: ['bm90LWFuLWlk', '', encodeGlobalId('Nothing', '1'), encodeGlobalId('Job', '0'), encodeGlobalId('Contact', '9223372036854775808')],
    times: [...new Set(world.records.map((record) => record.updatedIso))].sort(),
    searchTerms: world.searchTerms,
  }
}

describe('the read path, property-tested against a reference reader', () => {
  it('has a reference that knows every field of the read schema (a new field must be taught to it)', () => {
    const schema = getSchema()
    const unknown: string[] = []
    const seen = new Set<string>()
    const visit = (typeName: string) => {
      if (seen.has(typeName)) return
      seen.add(typeName)
      const type = schema.getType(typeName)
      if (!isObjectType(type)) return
      for (const [name, field] of Object.entries(type.getFields())) {
        if (!referenceKnows(typeName, name)) unknown.push(`${typeName}.${name}`)
        else visit(getNamedType(field.type).name)
      }
    }
    TYPE_NAMES.forEach(visit)
    for (const [name, field] of Object.entries(schema.getQueryType()!.getFields())) {
      const named = getNamedType(field.type).name
      const readsRecords = isTypeName(named) || (named.endsWith('Connection') && isTypeName(named.slice(0, -'Connection'.length)))
      if (readsRecords && !(name in ROOT_LISTS || name in ROOT_LOOKUPS)) unknown.push(`Query.${name}`)
    }
    expect(unknown).toEqual([])
  })

  it('answers every generated read exactly as the reference does, and never shows a row out of scope', async () => {
    const schema = getSchema()
    const documents = new ReadDocuments(schema, pools(world))
    const cases = fc
      .record({ caller: fc.nat(world.callers.length - 1), matrix: matrixArb, root: documents.root() })
      .map((c) => {
        const printed = printDocument(c.root)
        const text = () => `${describeRole(world.callers[c.caller]!, c.matrix)}\n${printed.text}\nvariables: ${JSON.stringify(printed.variables)}`
        return { ...c, printed, [fc.toStringMethod]: text }
      })
    let failedAt: number | null = null
    let passThroughCount = 0
    let answeredFromKeptPlan = 0
    console.log(`read property: seed ${seed}, ${runs} runs${path ? `, path ${path}` : ''} on ${world.database.kind}`)
    try {
      await fc.assert(
        fc.asyncProperty(cases, async ({ caller: index, matrix, printed }) => {
          // Past the shrinking budget every candidate passes, so fast-check reports the smallest failure so far.
          if (failedAt !== null && Date.now() - failedAt > SHRINK_BUDGET_MS) return
          try {
            await checkCase(index, matrix, printed)
          } catch (error) {
            failedAt ??= Date.now()
            throw error
          }
        }),
        { seed, numRuns: runs, path, includeErrorInReport: true, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS)] },
      )
      console.log(`read property: the pass-through read answered ${passThroughCount} of the cases' reads, ${answeredFromKeptPlan} of them from the plan kept for the caller's twin`)
      // Every twin's read runs the plan its caller's read made: the kept plans are what was tested.
      if (passThroughCount > 1) expect(answeredFromKeptPlan).toBeGreaterThan(0)
    } catch (error) {
      const message = (error as Error).message
      const replayPath = /path: "([^"]*)"/.exec(message)?.[1]
      throw new Error(
        `replay: READ_PROPERTY_SEED=${seed}${replayPath ? ` READ_PROPERTY_PATH=${replayPath}` : ''} npx vitest run test/records/read/read-property.test.ts\n${message}`,
      )
    }

    /**
     * The pass-through read (records/read/passthrough.ts), where it answers, must answer the very
     * bytes execution wrote (graphql-jit's, as the lean lane executes), and the cost the meter would count over them; where execution answers
     * an error it must decline.
     */
    async function checkPassThrough(caller: ReadWorld['callers'][number], printed: ReturnType<typeof printDocument>, document: DocumentNode, executedByGraphqlJs: ExecutionResult) {
      let actual = executedByGraphqlJs
      // The document itself, not its text: the twin's request then runs the plan kept for the caller's.
      const hitsBefore = planCacheStats.hits
      const { passed, statements, coercedVariables, executed } = await passThroughAs(world.database, caller, document, printed.variables)
      if (!passed) return
      passThroughCount++
      if (planCacheStats.hits > hitsBefore) answeredFromKeptPlan++
      // graphql-jit, as the lean lane runs it, must answer what graphql-js answered (data, in any key order).
      expect(JSON.parse(JSON.stringify(executed.data ?? null))).toEqual(JSON.parse(JSON.stringify(actual.data ?? null)))
      actual = executed
      const data = passed.parts.join('')
      const problems = [
        actual.errors?.length ? `it answered where execution answered errors: ${actual.errors.map((error) => error.message).join('; ')}` : '',
        data !== JSON.stringify(actual.data) ? `its data differs: ${firstDifference(data, JSON.stringify(actual.data))}` : '',
      ].filter(Boolean)
      if (problems.length === 0) {
        const metered = queryCost({ schema, document, variables: coercedVariables, data: actual.data })
        if (Math.max(1, passed.cost) !== metered) problems.push(`its cost ${passed.cost} is not the metered ${metered}`)
        const roots = Object.keys(actual.data ?? {}).filter((key) => key !== '__typename').length
        if (statements > roots) problems.push(`it ran ${statements} statements for ${roots} root fields`)
      }
      if (problems.length > 0) throw new Error([`pass-through as ${caller.label}`, ...problems].join('\n'))
    }

    async function checkCase(index: number, matrix: Parameters<typeof grant>[2], printed: ReturnType<typeof printDocument>) {
      const document = parse(printed.text)
      const invalid = validate(schema, document)
      if (invalid.length > 0) throw new Error(`the generator made an invalid document (${invalid[0]!.message})`)
      // Then the same document as the caller's twin in the other business (the same kind, team or
      // not, and role): the same shape with other values, so its statements come from the compiled
      // statement cache, which the suite checks against a fresh compile.
      const twin = (index + world.callers.length / 2) % world.callers.length
      for (const caller of [world.callers[index]!, world.callers[twin]!]) {
        await grant(world, caller, matrix)
        const expected = await referenceAnswer(world.database.db, principalOf(caller, matrix), document, printed.variables)
        // The reference must pass the independent visibility check too, or it is the reference that is wrong.
        const leakedByReference = globalIdsIn(expected.data).filter((id) => !mayRead(world, caller, matrix, id))
        if (leakedByReference.length > 0) throw new Error(`the reference answered ids out of scope: ${short(leakedByReference)}`)
        const actual = await executeAs(world.database, caller, printed.text, printed.variables)
        const leaked = globalIdsIn(actual.data).filter((id) => !mayRead(world, caller, matrix, id))
        const difference = answerDifference(expected, actual)
        if (leaked.length > 0 || difference) {
          throw new Error([
            `as ${caller.label}`,
            leaked.length > 0 ? `the answer holds ids the caller may not read: ${short(leaked)}` : '',
            difference ?? '',
          ].filter(Boolean).join('\n'))
        }
        await checkPassThrough(caller, printed, document, actual)
      }
    }
  }, TEST_TIMEOUT_MS)
})
