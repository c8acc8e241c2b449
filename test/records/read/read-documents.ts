import { type ListOrder, cursorOf } from '../../setup/reference-sql.js'

/**
 * Generated read documents: a small tree that fast-check builds and shrinks (read-arbitraries.ts),
 * and its printing into GraphQL text plus variables. Printing keeps every document valid: response
 * names are made unique per merged selection (so fragments never conflict), an item that is
 * repeated is printed once and placed twice (identical copies merge), and every variable and
 * fragment that is declared is used.
 */

export type Directive = { kind: 'skip' | 'include'; value: boolean; variable: boolean } | null

/** Where an item goes: straight in the selection, or into group `group` (a fragment); `twice`: both. */
export interface Placement {
  group: number | null
  twice: boolean
}

export interface Group {
  kind: 'inline' | 'untyped' | 'named' | 'node'
  directive: Directive
}

/** A row a cursor points at; printed as a cursor of the list's order. */
export interface CursorRow {
  id: string
  updatedText: string
}

export type ArgValue =
  | { kind: 'int'; value: number }
  | { kind: 'id'; value: string }
  | { kind: 'ids'; value: string[] }
  | { kind: 'cursor'; row: CursorRow }
  | { kind: 'filter'; typeName: string; value: Record<string, unknown>; enums: string[] }

export interface Item {
  field: string
  alias: string | null
  directive: Directive
  place: Placement
  /** Arguments go through variables rather than literals. */
  viaVariables: boolean
  args: Record<string, ArgValue>
  sub: Selection | NodeSelection | null
}

/** A selection on an object type (a record, a connection, an edge, a line, the Query root). */
export interface Selection {
  kind: 'object'
  type: string
  /** Record types implement Node: a group of kind 'node' is `... on Node` there. */
  isRecord: boolean
  items: Item[]
  groups: Group[]
}

/** A selection on the Node interface: `id` / `__typename` directly, the rest per concrete type. */
export interface NodeSelection {
  kind: 'node'
  direct: Item[]
  perType: Array<{ type: string; selection: Selection; named: boolean; directive: Directive }>
}

export interface PrintedDocument {
  text: string
  variables: Record<string, unknown>
}

const ARG_TYPES: Record<string, string> = { first: 'Int', last: 'Int', after: 'String', before: 'String', id: 'ID!', ids: '[ID!]!' }

class Printer {
  readonly variables: Record<string, unknown> = {}
  readonly declarations: string[] = []
  readonly fragments: string[] = []
  private count = 0

  variable(type: string, value: unknown): string {
    const name = `v${this.count++}`
    this.declarations.push(`$${name}: ${type}`)
    this.variables[name] = value
    return `$${name}`
  }

  fragment(type: string, body: string): string {
    const name = `F${this.count++}`
    this.fragments.push(`fragment ${name} on ${type} ${body}`)
    return name
  }
}

export function printDocument(root: Selection): PrintedDocument {
  const printer = new Printer()
  const body = printSelection(printer, root, new Set())
  const declarations = printer.declarations.length > 0 ? `(${printer.declarations.join(', ')})` : ''
  return { text: [`query Read${declarations} ${body}`, ...printer.fragments].join('\n'), variables: printer.variables }
}

function printDirective(printer: Printer, directive: Directive): string {
  if (!directive) return ''
  const condition = directive.variable ? printer.variable('Boolean!', directive.value) : String(directive.value)
  return ` @${directive.kind}(if: ${condition})`
}

/** The list order a root list's arguments imply: (updatedAt, id) with `filter.updatedSince`. */
function orderOfArgs(args: Record<string, ArgValue>): ListOrder {
  const filter = args.filter
  return filter?.kind === 'filter' && filter.value.updatedSince != null ? 'sync' : 'id'
}

function literal(value: unknown, enums: readonly string[] = [], key = ''): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, enums, key)).join(', ')}]`
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${literal(v, enums, k)}`).join(', ')}}`
  }
  if (typeof value === 'string' && enums.includes(key)) return value
  return JSON.stringify(value)
}

function printArgs(printer: Printer, item: Item): string {
  const order = orderOfArgs(item.args)
  const parts = Object.entries(item.args).map(([name, arg]) => {
    const value =
      arg.kind === 'cursor' ? cursorOf(order, { id: arg.row.id, updated_text: arg.row.updatedText })
        : arg.kind === 'filter' ? arg.value : arg.value
    if (item.viaVariables) return `${name}: ${printer.variable(arg.kind === 'filter' ? arg.typeName : ARG_TYPES[name]!, value)}`
    return `${name}: ${literal(value, arg.kind === 'filter' ? arg.enums : [])}`
  })
  return parts.length > 0 ? `(${parts.join(', ')})` : ''
}

/**
 * An item printed once however often it is placed (copies must be identical to merge, variables
 * included); each placement puts its own directive between the head and the sub-selection.
 */
function printItem(printer: Printer, item: Item): (directive: Directive) => string {
  const alias = item.alias ? `${item.alias}: ` : ''
  const head = `${alias}${item.field}${printArgs(printer, item)}`
  const sub = !item.sub ? '' : item.sub.kind === 'node' ? printNodeSelection(printer, item.sub) : printSelection(printer, item.sub, new Set())
  return (directive) => `${head}${printDirective(printer, directive)}${sub ? ` ${sub}` : ''}`
}

/**
 * `taken`: response names already used in this merged selection (shared across a Node
 * selection's type fragments, whose fields must not clash in shape either).
 */
function printSelection(printer: Printer, selection: Selection, taken: Set<string>): string {
  const direct: string[] = []
  const grouped = new Map<number, string[]>()
  const groupsCount = Math.max(1, selection.groups.length)
  for (const item of selection.items) {
    const key = item.alias ?? item.field
    if (taken.has(key)) continue
    taken.add(key)
    const text = printItem(printer, item)
    if (item.place.group === null || selection.groups.length === 0) {
      direct.push(text(item.directive))
      if (item.place.twice) direct.push(text(null))
      continue
    }
    const group = item.place.group % groupsCount
    const onNode = selection.groups[group]!.kind === 'node'
    // `... on Node` can only hold Node's own fields; anything else goes straight in.
    if (onNode && !(selection.isRecord && (item.field === 'id' || item.field === '__typename'))) {
      direct.push(text(item.directive))
      continue
    }
    grouped.set(group, [...(grouped.get(group) ?? []), text(item.directive)])
    if (item.place.twice) direct.push(text(null))
  }
  for (const [index, texts] of grouped) {
    const group = selection.groups[index]!
    const body = `{ ${texts.join(' ')} }`
    const directive = printDirective(printer, group.directive)
    if (group.kind === 'inline') direct.push(`... on ${selection.type}${directive} ${body}`)
    else if (group.kind === 'untyped') direct.push(`...${directive} ${body}`)
    else if (group.kind === 'node') direct.push(`... on Node${directive} ${body}`)
    else direct.push(`...${printer.fragment(selection.type, body)}${directive}`)
  }
  if (direct.length === 0) direct.push('__typename')
  return `{ ${direct.join(' ')} }`
}

function printNodeSelection(printer: Printer, selection: NodeSelection): string {
  const taken = new Set<string>()
  const parts: string[] = []
  for (const item of selection.direct) {
    const key = item.alias ?? item.field
    if (taken.has(key)) continue
    taken.add(key)
    parts.push(printItem(printer, item)(item.directive))
  }
  for (const { type, selection: typed, named, directive } of selection.perType) {
    const body = printSelection(printer, typed, taken)
    const printed = printDirective(printer, directive)
    parts.push(named ? `...${printer.fragment(type, body)}${printed}` : `... on ${type}${printed} ${body}`)
  }
  if (parts.length === 0) parts.push('id')
  return `{ ${parts.join(' ')} }`
}
