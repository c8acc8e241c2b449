import fc from 'fast-check'
import {
  type GraphQLInputType, type GraphQLObjectType, type GraphQLSchema, getNamedType, isEnumType, isInputObjectType, isLeafType,
  isListType, isNonNullType, isObjectType,
} from 'graphql'
import { LEVELS, MODULES, OPERATIONS, type PermissionMatrix } from '../../../src/access/permissions.js'
import { TYPE_NAMES, type TypeName, isTypeName, referenceKnows } from '../../setup/reference-records.js'
import type { ArgValue, CursorRow, Directive, Group, Item, NodeSelection, Placement, Selection } from './read-documents.js'

/**
 * fast-check arbitraries for valid read documents over the whole read schema. The shape comes
 * from the schema itself (every field of every record type, every relation, every filter input),
 * so a field the schema gains is generated at once, and the reference must know it. Relations nest
 * at most four deep; page sizes stay small below the root so one case stays a few hundred rows.
 */

export interface Pools {
  /** Global ids of every record of both businesses, deleted ones included. */
  ids: Record<TypeName, string[]>
  /** Ids that name nothing: malformed, of a type without records, beyond bigint, zero. */
  bogusIds: string[]
  cursorRows: Record<TypeName, CursorRow[]>
  /** updated_at values the records hold, to the millisecond (ISO). */
  times: string[]
  searchTerms: string[]
}

export const MAX_RELATION_DEPTH = 4

/** Every choice may shrink to an earlier, simpler one (no alias, no directive, a leaf instead of a relation). */
const SHRINK = { withCrossShrink: true }

/** Names the compiler uses for itself (row keys, SQL aliases, its own columns), and GraphQL's field names. */
const SHADOWING = [
  'total', 'updatedAt', 'syncOrder', 'updated_at', 'id', 'count', 'n', 'root', 'parent', 'page', 'counted', 'one',
  'client_id', 'job_id', 'owner_id', 'business_id', 'deleted_at', 'nodes', 'edges', 'node', 'cursor', 'name', 'number',
  'client', 'job', 'lines', 'salesOrders', 'purchaseOrders', 'supplier', 'jobs', 'contacts', 'version', 'status',
  'totalCount', 'pageInfo', 'root_client', 'parent_id', 'q'.repeat(58), 'q'.repeat(62), 'q'.repeat(63), 'q'.repeat(64), 'z'.repeat(80),
]
/** A tail longer than the 60 characters the compiler keeps of a nested alias: siblings and depths share it. */
const TAIL = 'an_alias_long_enough_that_only_its_last_sixty_characters_survive'
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ']
const NAME_CHARS = [...LETTERS, ...'0123456789_']

const aliasArb: fc.Arbitrary<string | null> = fc.oneof(SHRINK,
  { weight: 6, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(...SHADOWING) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 2 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('x', 'y', '_'), maxLength: 15 }).map((prefix) => `L${prefix}${TAIL}`.slice(0, 80)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...LETTERS), fc.string({ unit: fc.constantFrom(...NAME_CHARS), maxLength: 79 })).map(([a, b]) => a + b),
  },
)

/** `arbitrary` in `tenths` of the cases, null otherwise (shrinking towards null). */
const sometimes = <T>(tenths: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof(SHRINK, { weight: 10 - tenths, arbitrary: fc.constant(null) }, { weight: tenths, arbitrary })

const directiveArb: fc.Arbitrary<Directive> = sometimes(
  2,
  fc.record({ kind: fc.constantFrom('skip' as const, 'include' as const), value: fc.boolean(), variable: fc.boolean() }),
)

const placementArb: fc.Arbitrary<Placement> = fc.record({
  group: sometimes(4, fc.nat(2)),
  // Shrinks towards a single copy.
  twice: fc.integer({ min: 0, max: 9 }).map((n) => n === 9),
})

const groupArb: fc.Arbitrary<Group> = fc.record({
  kind: fc.constantFrom('inline' as const, 'untyped' as const, 'named' as const, 'node' as const),
  directive: directiveArb,
})

type Shape = { kind: 'leaf' } | { kind: 'plain'; type: string } | { kind: 'one' | 'many'; target: TypeName }

const levelArb = fc.constantFrom(...LEVELS)
export const matrixArb: fc.Arbitrary<PermissionMatrix> = fc.record(
  Object.fromEntries(MODULES.map((module) => [module, fc.record(Object.fromEntries(OPERATIONS.map((op) => [op, levelArb])))])),
) as fc.Arbitrary<PermissionMatrix>

export class ReadDocuments {
  private readonly memo = new Map<string, fc.Arbitrary<Selection>>()

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly pools: Pools,
  ) {}

  private objectType(name: string): GraphQLObjectType {
    const type = this.schema.getType(name)
    if (!isObjectType(type)) throw new Error(`generator: ${name} is not an object type`)
    return type
  }

  /**
   * The fields of an object type the reference answers, classified: a leaf, a plain object, a
   * record, a connection of records. (A field it does not know is reported by its own test.)
   */
  private shapes(typeName: string): Record<string, Shape> {
    const shapes: Record<string, Shape> = { __typename: { kind: 'leaf' } }
    for (const [name, field] of Object.entries(this.objectType(typeName).getFields())) {
      if (!referenceKnows(typeName, name)) continue
      const named = getNamedType(field.type)
      if (isLeafType(named)) shapes[name] = { kind: 'leaf' }
      else if (isTypeName(named.name)) shapes[name] = { kind: 'one', target: named.name }
      else if (named.name.endsWith('Connection') && isTypeName(named.name.slice(0, -'Connection'.length))) {
        shapes[name] = { kind: 'many', target: named.name.slice(0, -'Connection'.length) as TypeName }
      } else shapes[name] = { kind: 'plain', type: named.name }
    }
    return shapes
  }

  private item(field: fc.Arbitrary<string>, args: fc.Arbitrary<Record<string, ArgValue>>, sub: fc.Arbitrary<Item['sub']>): fc.Arbitrary<Item> {
    return fc.record({ field, alias: aliasArb, directive: directiveArb, place: placementArb, viaVariables: fc.boolean(), args, sub })
  }

  private leaves(typeName: string, names: string[]): fc.Arbitrary<Item> {
    if (names.length === 0) throw new Error(`generator: ${typeName} has no leaf fields`)
    return this.item(fc.constantFrom(...names), fc.constant({}), fc.constant(null))
  }

  private selection(type: string, isRecord: boolean, items: fc.Arbitrary<Item>, maxLength: number): fc.Arbitrary<Selection> {
    return fc.record({ items: fc.array(items, { minLength: 1, maxLength }), groups: fc.array(groupArb, { maxLength: 3 }) })
      .map(({ items, groups }) => ({ kind: 'object' as const, type, isRecord, items, groups }))
  }

  private memoized(key: string, build: () => fc.Arbitrary<Selection>): fc.Arbitrary<Selection> {
    let arbitrary = this.memo.get(key)
    if (!arbitrary) {
      arbitrary = build()
      this.memo.set(key, arbitrary)
    }
    return arbitrary
  }

  /** A plain object's selection: its leaves and plain objects (lines, contact points, addresses, pageInfo, owners). */
  plain(type: string): fc.Arbitrary<Selection> {
    return this.memoized(`plain:${type}`, () => {
      const shapes = Object.entries(this.shapes(type))
      const options: fc.WeightedArbitrary<Item>[] = [
        { weight: 4, arbitrary: this.leaves(type, shapes.filter(([, shape]) => shape.kind === 'leaf').map(([name]) => name)) },
      ]
      for (const [name, shape] of shapes) {
        if (shape.kind === 'plain') options.push({ weight: 1, arbitrary: this.item(fc.constant(name), fc.constant({}), this.plain(shape.type)) })
        else if (shape.kind !== 'leaf') throw new Error(`generator: ${type}.${name} reaches records from a plain object`)
      }
      return this.selection(type, false, fc.oneof(SHRINK, ...options), 3)
    })
  }

  /** A record's selection at relation depth `depth` (0: a root list's nodes, a lookup). */
  record(type: TypeName, depth: number): fc.Arbitrary<Selection> {
    return this.memoized(`record:${type}:${depth}`, () => {
      const shapes = Object.entries(this.shapes(type))
      const options: fc.WeightedArbitrary<Item>[] = [
        { weight: 8, arbitrary: this.leaves(type, shapes.filter(([, shape]) => shape.kind === 'leaf').map(([name]) => name)) },
      ]
      for (const [name, shape] of shapes) {
        if (shape.kind === 'plain') options.push({ weight: 1, arbitrary: this.item(fc.constant(name), fc.constant({}), this.plain(shape.type)) })
        if (depth >= MAX_RELATION_DEPTH) continue
        const weight = depth === 0 ? 3 : depth === 1 ? 2 : 1
        if (shape.kind === 'one') {
          options.push({ weight, arbitrary: this.item(fc.constant(name), fc.constant({}), this.record(shape.target, depth + 1)) })
        }
        if (shape.kind === 'many') {
          options.push({ weight, arbitrary: this.item(fc.constant(name), this.pageArgs(shape.target, true), this.connection(shape.target, depth + 1)) })
        }
      }
      return this.selection(type, true, fc.oneof(SHRINK, ...options), depth === 0 ? 5 : depth === 1 ? 3 : 2)
    })
  }

  /** A connection's selection: totalCount, pageInfo, nodes, edges { cursor node }. */
  connection(type: TypeName, depth: number): fc.Arbitrary<Selection> {
    return this.memoized(`connection:${type}:${depth}`, () => {
      const none = fc.constant({})
      const edge = this.selection(`${type}Edge`, false, fc.oneof(SHRINK,
        { weight: 2, arbitrary: this.leaves(`${type}Edge`, ['cursor', '__typename']) },
        { weight: 4, arbitrary: this.item(fc.constant('node'), none, this.record(type, depth)) },
      ), 2)
      return this.selection(`${type}Connection`, false, fc.oneof(SHRINK,
        { weight: 3, arbitrary: this.leaves(`${type}Connection`, ['totalCount', 'totalCount', '__typename']) },
        { weight: 2, arbitrary: this.item(fc.constant('pageInfo'), none, this.plain('PageInfo')) },
        { weight: 4, arbitrary: this.item(fc.constant('nodes'), none, this.record(type, depth)) },
        { weight: 3, arbitrary: this.item(fc.constant('edges'), none, edge) },
      ), 3)
    })
  }

  /** first / last (default 25 when neither), after / before from any row of the type. */
  private pageArgs(type: TypeName, nested: boolean): fc.Arbitrary<Record<string, ArgValue>> {
    const size = nested
      ? fc.oneof(SHRINK, { weight: 1, arbitrary: fc.constant(null) }, { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }) })
      : fc.oneof(SHRINK,
          { weight: 2, arbitrary: fc.constant(null) },
          { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
          { weight: 1, arbitrary: fc.integer({ min: 9, max: 100 }) },
        )
    const cursor = fc.constantFrom(...this.pools.cursorRows[type])
    return fc.record({
      size, backwards: fc.boolean(), after: sometimes(3, cursor), before: sometimes(2, cursor),
    }).map(({ size, backwards, after, before }) => {
      const args: Record<string, ArgValue> = {}
      if (size !== null) args[backwards ? 'last' : 'first'] = { kind: 'int', value: size }
      if (after) args.after = { kind: 'cursor', row: after }
      if (before) args.before = { kind: 'cursor', row: before }
      return args
    })
  }

  /** A list filter from the schema's input type: times, search text, enum values; some fields null. */
  private filter(type: GraphQLInputType): fc.Arbitrary<ArgValue | null> {
    const input = getNamedType(type)
    if (!isInputObjectType(input)) throw new Error('generator: a filter is an input object')
    const enums: string[] = []
    const fields: Record<string, fc.Arbitrary<unknown>> = {}
    for (const [name, field] of Object.entries(input.getFields())) {
      const named = getNamedType(field.type)
      const list = isListType(isNonNullType(field.type) ? field.type.ofType : field.type)
      let value: fc.Arbitrary<unknown>
      if (isEnumType(named)) {
        enums.push(name)
        const values = named.getValues().map((v) => v.name)
        value = list ? fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: values.length }) : fc.constantFrom(...values)
      } else if (named.name === 'DateTime') value = this.time()
      else if (named.name === 'String') value = this.searchText()
      else throw new Error(`generator: filter field ${input.name}.${name} of type ${named.name} is new to it`)
      // Mostly left out; now and then an explicit null, which means the same.
      fields[name] = fc.oneof(SHRINK, { weight: 6, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    }
    return sometimes(5, fc.record(fields).map((chosen) => {
      const value = Object.fromEntries(Object.entries(chosen).filter(([, v]) => v !== undefined))
      return { kind: 'filter' as const, typeName: input.name, value, enums }
    }))
  }

  private time(): fc.Arbitrary<string> {
    const { times } = this.pools
    return fc.oneof(SHRINK,
      { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...times), fc.integer({ min: -1, max: 1 })).map(([time, ms]) => new Date(Date.parse(time) + ms).toISOString()) },
      { weight: 1, arbitrary: fc.constantFrom('2000-01-01T00:00:00.000Z', '2999-12-31T23:59:59.999Z') },
    )
  }

  private searchText(): fc.Arbitrary<string> {
    return fc.oneof(SHRINK,
      { weight: 5, arbitrary: fc.constantFrom(...this.pools.searchTerms) },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'aeinorstAEIO019%_\\-'), minLength: 1, maxLength: 3 }) },
    )
  }

  private nodeSelection(): fc.Arbitrary<NodeSelection> {
    const perType = fc.uniqueArray(
      fc.record({ type: fc.constantFrom(...TYPE_NAMES), named: fc.boolean(), directive: directiveArb }),
      { selector: (entry) => entry.type, maxLength: 3 },
    ).chain((entries) => fc.tuple(...entries.map((entry) => this.record(entry.type, 1).map((selection) => ({ ...entry, selection })))))
    return fc.record({ direct: fc.array(this.leaves('Node', ['id', '__typename']), { maxLength: 2 }), perType })
      .map(({ direct, perType }) => ({ kind: 'node' as const, direct, perType }))
  }

  /** A whole document: one to three root fields (lists, lookups, node, nodes, __typename), maybe inside fragments on Query. */
  root(): fc.Arbitrary<Selection> {
    const query = this.objectType('Query')
    const allIds = TYPE_NAMES.flatMap((type) => this.pools.ids[type])
    const anyId = fc.oneof(SHRINK, { weight: 8, arbitrary: fc.constantFrom(...allIds) }, { weight: 1, arbitrary: fc.constantFrom(...this.pools.bogusIds) })
    const options: fc.WeightedArbitrary<Item>[] = [{ weight: 1, arbitrary: this.leaves('Query', ['__typename']) }]
    for (const [name, field] of Object.entries(query.getFields())) {
      const named = getNamedType(field.type)
      const listOf = named.name.endsWith('Connection') ? named.name.slice(0, -'Connection'.length) : ''
      if (isTypeName(listOf)) {
        const filterArg = field.args.find((arg) => arg.name === 'filter')
        const args = fc.tuple(this.pageArgs(listOf, false), filterArg ? this.filter(filterArg.type) : fc.constant(null))
          .map(([page, filter]) => (filter ? { ...page, filter } : page))
        options.push({ weight: 6, arbitrary: this.item(fc.constant(name), args, this.connection(listOf, 0)) })
      } else if (isTypeName(named.name)) {
        const own = fc.constantFrom(...this.pools.ids[named.name])
        const id = fc.oneof(SHRINK, { weight: 6, arbitrary: own }, { weight: 2, arbitrary: anyId })
        options.push({ weight: 2, arbitrary: this.item(fc.constant(name), id.map((value) => ({ id: { kind: 'id' as const, value } })), this.record(named.name, 0)) })
      } else if (name === 'node') {
        options.push({ weight: 2, arbitrary: this.item(fc.constant(name), anyId.map((value) => ({ id: { kind: 'id' as const, value } })), this.nodeSelection()) })
      } else if (name === 'nodes') {
        const ids = fc.array(anyId, { maxLength: 5 }).map((value) => ({ ids: { kind: 'ids' as const, value } }))
        options.push({ weight: 2, arbitrary: this.item(fc.constant(name), ids, this.nodeSelection()) })
      }
    }
    return this.selection('Query', false, fc.oneof(SHRINK, ...options), 3)
  }
}
