import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'
import {
  type GraphQLError,
  Kind,
  type SelectionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql'
import type { Plugin } from 'graphql-yoga'
import { queryTooComplex } from '../graphql/errors.js'
import { fragmentsOf } from '../graphql/fragments.js'

/**
 * Every limit on the shape of a GraphQL document, in one place. A document over any of them is
 * refused before it runs with QUERY_TOO_COMPLEX (HTTP 400). Sized against the heaviest query a
 * partner legitimately sends: a page of 100 jobs, each with its client, salesOrders(first: 100)
 * { lines } and purchaseOrders(first: 100) { supplier lines } (see test/server/query-limits.test.ts).
 */
export const QUERY_LIMITS = {
  /**
   * Levels of nested selections. The heavy query written with edges { node } is 8 deep; 12 leaves
   * room for fragments and one more relation hop, while job → salesOrders → job → purchaseOrders
   * → … chains, which multiply rows at every hop, stop quickly.
   */
  maxDepth: 12,
  /**
   * Aliases let one document repeat an expensive field; a real client needs a handful. Aliases of
   * `__typename` count too: they are free to run but not to parse, validate and answer.
   */
  maxAliases: 30,
  /**
   * Directives in the whole operation, its fragments included (graphql-armor counts them so).
   * @include/@skip are the only ones a document may use; a partner's document toggles a few parts.
   * Ten on one field (graphql-cop's probe) is no client.
   */
  maxDirectives: 8,
  /**
   * The same response name selected again and again in one selection set merges into one field,
   * yet every copy is parsed, validated and merged (quadratically): "field duplication". Twice is
   * common when fragments and fields meet; more in one selection set is never needed.
   */
  maxRepeatsPerSelection: 3,
  /**
   * Characters of the query text, whitespace and comments included (the token limit does not see
   * those): a megabyte of comments is refused before the parser reads it. The heavy query is
   * ~1.5 KB, GraphiQL's introspection query ~2 KB, large generated documents stay under 20 KB.
   */
  maxCharacters: 50_000,
  /**
   * Along any path of an introspection query, how many of `fields`, `inputFields`, `interfaces`,
   * `possibleTypes` may nest: GraphiQL and codegen use one, a circular introspection query (a
   * type's fields' types' fields …) many. Introspection is otherwise exempt from the depth limit,
   * because its `ofType` chains are deep but linear.
   */
  maxIntrospectionNesting: 1,
  /**
   * Lexical tokens in the document, counted while parsing so a huge document costs little to
   * refuse. The heavy query is 150–300 tokens, GraphiQL's introspection query ~300, generated
   * partner documents with fragments stay well under 2,000.
   */
  maxTokens: 5_000,
  /**
   * Points one query may cost, whoever sends it and whatever its bucket holds (the price list is
   * src/server/cost/estimate.ts; page sizes count as the server will read them, variables
   * included). The heavy query costs 30,803; one more 100-row hop (job → salesOrders(100) → job →
   * purchaseOrders(100) under jobs(first: 100)) costs over a million and is refused.
   */
  maxCost: 100_000,
} as const

/** graphql-armor prefixes its messages with "Syntax Error: " even for validation limits. */
const cleanMessage = (error: GraphQLError) => error.message.replace(/^Syntax Error: /, '')

/** armor reports through these: the rejection becomes our coded error on the validation context. */
const reportTooComplex = (context: ValidationContext | null, error: GraphQLError) => {
  const coded = queryTooComplex(cleanMessage(error))
  // Token counting runs inside the parser, which has no validation context: throwing aborts the parse.
  if (!context) throw coded
  context.reportError(coded)
}

const rejection = { propagateOnRejection: false, onReject: [reportTooComplex] }

/**
 * graphql-armor's depth, alias, directive and token limits, plus a cost limit that sees the page
 * sizes the server will really use; field suggestions ("Did you mean …?") hidden in production.
 */
export function useQueryLimits(options: { production: boolean }): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        EnvelopArmorPlugin({
          maxDepth: { n: QUERY_LIMITS.maxDepth, ...rejection },
          maxAliases: { n: QUERY_LIMITS.maxAliases, allowList: [], ...rejection },
          maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...rejection },
          // Thrown from inside the lexer: reportTooComplex throws the coded error itself.
          maxTokens: { n: QUERY_LIMITS.maxTokens, propagateOnRejection: true, onReject: [reportTooComplex] },
          // The product's own estimator prices queries, with their variables (src/server/cost/).
          costLimit: { enabled: false },
          blockFieldSuggestion: { enabled: options.production },
        }),
      )
    },
    onParams({ params }) {
      // Before parsing: a huge document of comments must cost nothing to refuse.
      if (typeof params.query === 'string' && params.query.length > QUERY_LIMITS.maxCharacters) {
        throw queryTooComplex(`The query has ${params.query.length} characters; at most ${QUERY_LIMITS.maxCharacters} are allowed.`)
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(repeatedFieldsRule)
      addValidationRule(circularIntrospectionRule)
    },
  }
}

/** Refuses a selection set that names one response name more than maxRepeatsPerSelection times. */
const repeatedFieldsRule: ValidationRule = (context) => ({
  SelectionSet(node) {
    const counts = new Map<string, number>()
    for (const selection of node.selections) {
      if (selection.kind !== Kind.FIELD) continue
      const name = selection.alias?.value ?? selection.name.value
      const count = (counts.get(name) ?? 0) + 1
      counts.set(name, count)
      if (count === QUERY_LIMITS.maxRepeatsPerSelection + 1) {
        context.reportError(
          queryTooComplex(`\`${name.slice(0, 100)}\` is selected more than ${QUERY_LIMITS.maxRepeatsPerSelection} times in one selection set.`),
        )
      }
    }
  },
})

const INTROSPECTION_LISTS = new Set(['fields', 'inputFields', 'interfaces', 'possibleTypes'])

/**
 * Refuses introspection that nests a type's lists inside each other. Each fragment's deepest
 * nesting is worked out once (per whether it is entered inside introspection) and remembered: a
 * fragment spread many times at many levels costs one walk, not one per path.
 */
const circularIntrospectionRule: ValidationRule = (context) => {
  const fragments = fragmentsOf(context.getDocument())
  const memo = new Map<string, number>()
  /** The deepest nesting of introspection lists below these selections. */
  const deepest = (selections: readonly SelectionNode[], inside: boolean, open: ReadonlySet<string>): number => {
    let max = 0
    for (const selection of selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value
        const fragment = fragments[name]
        // A cycle is NoFragmentCyclesRule's to report; here it adds nothing.
        if (!fragment || open.has(name)) continue
        const key = `${name}:${inside}`
        let depth = memo.get(key)
        if (depth === undefined) {
          depth = deepest(fragment.selectionSet.selections, inside, new Set([...open, name]))
          memo.set(key, depth)
        }
        max = Math.max(max, depth)
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        max = Math.max(max, deepest(selection.selectionSet.selections, inside, open))
      } else {
        const name = selection.name.value
        const entering = inside || name === '__schema' || name === '__type'
        const own = entering && INTROSPECTION_LISTS.has(name) ? 1 : 0
        max = Math.max(max, own + (selection.selectionSet ? deepest(selection.selectionSet.selections, entering, open) : 0))
      }
    }
    return max
  }
  return {
    OperationDefinition(operation) {
      if (deepest(operation.selectionSet.selections, false, new Set()) > QUERY_LIMITS.maxIntrospectionNesting) {
        context.reportError(queryTooComplex(`Introspection may nest its type lists (fields, interfaces…) at most ${QUERY_LIMITS.maxIntrospectionNesting} deep.`))
      }
      return false
    },
  }
}
