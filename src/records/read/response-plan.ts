import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  isEnumType,
  isObjectType,
} from 'graphql'
import { can } from '../../access/permissions.js'
import type { Principal } from '../../access/principal.js'
import type { ColumnKind, Resource } from '../resource.js'
import { type PageOrder, type PageRequest, pageRequest } from './pagination.js'
import { subfieldsOf } from './field-order.js'
import { snakeCase } from './statement.js'

/**
 * The plan of a pass-through read (passthrough.ts): the response's shape, field by field, as
 * response-sql.ts turns it into SQL. Planning walks the operation as execution would (graphql's
 * own field collection: fragments merged, @skip / @include applied) and declines at the first
 * field it cannot answer byte for byte. The plan holds no request value but nested page
 * arguments, so it is the statement's shape.
 */

/** How a column's value becomes the scalar's JSON. */
export type ColumnFormat = 'plain' | 'text' | 'datetime'

export type FieldPlan =
  | { key: string; kind: 'typename'; value: string }
  | { key: string; kind: 'id'; typeName: string }
  | { key: string; kind: 'column'; column: string; format: ColumnFormat }
  | { key: string; kind: 'computed'; field: string }
  | { key: string; kind: 'jsonList'; column: string; members: JsonMemberPlan[] }
  | { key: string; kind: 'one'; relation: string; fields: FieldPlan[] }
  | { key: string; kind: 'lines'; relation: string; fields: FieldPlan[] }
  | { key: string; kind: 'many'; relation: string; page: PageRequest; connection: ConnectionPlan[] }
  | { key: string; kind: 'owner'; fields: OwnerPlan[] }

/** A record's owner (fields/owner-field.ts) and its team, member by member. */
export type OwnerPlan =
  | { key: string; kind: 'typename'; value: string }
  | { key: string; kind: 'id' | 'kind' | 'name' }
  | { key: string; kind: 'team'; fields: Array<{ key: string; kind: 'typename'; value: string } | { key: string; kind: 'id' | 'name' }> }

export type JsonMemberPlan = { key: string; kind: 'typename'; value: string } | { key: string; kind: 'member'; member: string }

export type ConnectionPlan =
  | { key: string; kind: 'typename'; value: string }
  | { key: string; kind: 'nodes'; fields: FieldPlan[] }
  | { key: string; kind: 'edges'; edge: EdgePlan[] }
  | { key: string; kind: 'pageInfo'; info: PageInfoPlan[] }
  | { key: string; kind: 'totalCount' }

export type EdgePlan =
  | { key: string; kind: 'typename'; value: string }
  | { key: string; kind: 'cursor' }
  | { key: string; kind: 'node'; fields: FieldPlan[] }

export type PageInfoPlan = { key: string; kind: 'typename'; value: string } | { key: string; kind: 'hasNextPage' | 'hasPreviousPage' | 'startCursor' | 'endCursor' }

/** Declines: this request runs the ordinary way. */
export class Decline extends Error {}

export const decline = (): never => {
  throw new Decline()
}

/** A response name PostgreSQL keeps whole as a column name (it cuts at 63 bytes). */
export const fits = (key: string) => key.length <= 63

export interface Walk {
  schema: GraphQLSchema
  fragments: Record<string, FragmentDefinitionNode>
  variables: Record<string, unknown>
  principal: Principal
}

export function argsOf(walk: Walk, parent: GraphQLObjectType, node: FieldNode): { field: GraphQLField<unknown, unknown>; args: Record<string, unknown> } {
  const field = parent.getFields()[node.name.value] ?? decline()
  try {
    return { field, args: getArgumentValues(field, node, walk.variables) }
  } catch {
    return decline()
  }
}

function subfields(walk: Walk, type: GraphQLObjectType, nodes: readonly FieldNode[]) {
  return subfieldsOf(walk, type, nodes)
}

export const objectType = (field: GraphQLField<unknown, unknown>): GraphQLObjectType => {
  const named = getNamedType(field.type)
  return isObjectType(named) ? named : decline()
}

/** How a scalar's JSON comes from a column of a kind, or decline when the pair is not a plain read. */
function formatOf(scalar: string, kind: ColumnKind): ColumnFormat {
  if (scalar === 'Int' && kind === 'int') return 'plain'
  if (scalar === 'Boolean' && kind === 'bool') return 'plain'
  if ((scalar === 'String' || scalar === 'Currency' || scalar === 'enum') && kind === 'text') return 'plain'
  if ((scalar === 'Decimal' && kind === 'numeric') || (scalar === 'LocalDate' && kind === 'date')) return 'text'
  if (scalar === 'DateTime' && kind === 'timestamp') return 'datetime'
  return decline()
}

/** The plan of one record object's selection. */
export function recordPlan(walk: Walk, resource: Resource, type: GraphQLObjectType, nodes: readonly FieldNode[]): FieldPlan[] {
  const plans: FieldPlan[] = []
  for (const [key, fieldNodes] of subfields(walk, type, nodes)) {
    if (!fits(key)) decline()
    const node = fieldNodes[0]!
    const name = node.name.value
    if (name === '__typename') {
      plans.push({ key, kind: 'typename', value: type.name })
      continue
    }
    if (name === 'id') {
      plans.push({ key, kind: 'id', typeName: resource.typeName })
      continue
    }
    const { field, args } = argsOf(walk, type, node)
    if (name === 'owner' && resource.ownership.kind !== 'none') {
      plans.push({ key, kind: 'owner', fields: ownerPlan(walk, objectType(field), fieldNodes) })
      continue
    }
    const relation = resource.relations[name]
    if (relation) {
      if (relation.kind === 'lines') {
        const lineType = objectType(field)
        const lineFields: FieldPlan[] = []
        for (const [lineKey, lineNodes] of subfields(walk, lineType, fieldNodes)) {
          const lineName = lineNodes[0]!.name.value
          if (!fits(lineKey)) decline()
          if (lineName === '__typename') lineFields.push({ key: lineKey, kind: 'typename', value: lineType.name })
          else lineFields.push(columnPlan(lineKey, lineType.getFields()[lineName] ?? decline(), relation.columns))
        }
        plans.push({ key, kind: 'lines', relation: name, fields: lineFields })
        continue
      }
      const target = relation.target()
      // The role cannot read it: execution answers FORBIDDEN at its path.
      if (!can(walk.principal.permissions, target.module, 'INQUIRE')) decline()
      if (relation.kind === 'one') {
        plans.push({ key, kind: 'one', relation: name, fields: recordPlan(walk, target, objectType(field), fieldNodes) })
      } else {
        plans.push({ key, kind: 'many', relation: name, page: pageOrDecline(args, 'id'), connection: connectionPlan(walk, target, objectType(field), fieldNodes) })
      }
      continue
    }
    // Computed fields (Contact.name) pass through only with their SQL declared beside them.
    if (resource.fieldColumns?.[name]) {
      plans.push(resource.fieldSql?.[name] ? { key, kind: 'computed', field: name } : decline())
      continue
    }
    if (resource.columns[snakeCase(name)] === 'json') plans.push(jsonListPlan(walk, key, field, fieldNodes))
    else plans.push(columnPlan(key, field, resource.columns))
  }
  return plans
}

/**
 * A JSON column holding a list of flat objects whose fields expose its members of the same names
 * as strings (Contact.emails, Contact.addresses).
 */
function jsonListPlan(walk: Walk, key: string, field: GraphQLField<unknown, unknown>, nodes: readonly FieldNode[]): FieldPlan {
  const type = objectType(field)
  const members: JsonMemberPlan[] = []
  for (const [memberKey, memberNodes] of subfields(walk, type, nodes)) {
    const name = memberNodes[0]!.name.value
    if (!fits(memberKey)) decline()
    if (name === '__typename') {
      members.push({ key: memberKey, kind: 'typename', value: type.name })
      continue
    }
    const member = type.getFields()[name] ?? decline()
    if (getNamedType(member.type).name !== 'String') decline()
    members.push({ key: memberKey, kind: 'member', member: name })
  }
  return { key, kind: 'jsonList', column: snakeCase(field.name), members }
}

function ownerPlan(walk: Walk, type: GraphQLObjectType, nodes: readonly FieldNode[]): OwnerPlan[] {
  if (type.name !== 'RecordOwner') decline()
  return [...subfields(walk, type, nodes)].map(([key, fieldNodes]): OwnerPlan => {
    const name = fieldNodes[0]!.name.value
    if (!fits(key)) decline()
    if (name === '__typename') return { key, kind: 'typename', value: type.name }
    if (name === 'id' || name === 'kind' || name === 'name') return { key, kind: name }
    if (name !== 'team') return decline()
    const teamType = objectType(type.getFields().team!)
    const fields = [...subfields(walk, teamType, fieldNodes)].map(([teamKey, teamNodes]): (OwnerPlan & { kind: 'team' })['fields'][number] => {
      const teamName = teamNodes[0]!.name.value
      if (!fits(teamKey)) decline()
      if (teamName === '__typename') return { key: teamKey, kind: 'typename', value: teamType.name }
      return teamName === 'id' || teamName === 'name' ? { key: teamKey, kind: teamName } : decline()
    })
    return { key, kind: 'team', fields }
  })
}

function columnPlan(key: string, field: GraphQLField<unknown, unknown>, columns: Record<string, ColumnKind>): FieldPlan {
  const column = snakeCase(field.name)
  const kind = columns[column]
  // `id` columns are global ids, JSON columns nested objects: neither is a plain read.
  if (!kind || kind === 'id' || column === 'business_id') return decline()
  const named = getNamedType(field.type)
  return { key, kind: 'column', column, format: formatOf(isEnumType(named) ? 'enum' : named.name, kind) }
}

export function pageOrDecline(args: Record<string, unknown>, order: PageOrder): PageRequest {
  try {
    return pageRequest(args, order)
  } catch {
    return decline()
  }
}

export function connectionPlan(walk: Walk, resource: Resource, type: GraphQLObjectType, nodes: readonly FieldNode[]): ConnectionPlan[] {
  const plans: ConnectionPlan[] = []
  for (const [key, fieldNodes] of subfields(walk, type, nodes)) {
    if (!fits(key)) decline()
    const name = fieldNodes[0]!.name.value
    if (name === '__typename') plans.push({ key, kind: 'typename', value: type.name })
    else if (name === 'totalCount') plans.push({ key, kind: 'totalCount' })
    else if (name === 'nodes') {
      const field = type.getFields()[name] ?? decline()
      plans.push({ key, kind: 'nodes', fields: recordPlan(walk, resource, objectType(field), fieldNodes) })
    } else if (name === 'pageInfo') {
      const infoType = objectType(type.getFields()[name] ?? decline())
      const info: PageInfoPlan[] = []
      for (const [infoKey, infoNodes] of subfields(walk, infoType, fieldNodes)) {
        const infoName = infoNodes[0]!.name.value
        if (!fits(infoKey)) decline()
        if (infoName === '__typename') info.push({ key: infoKey, kind: 'typename', value: infoType.name })
        else if (infoName === 'hasNextPage' || infoName === 'hasPreviousPage' || infoName === 'startCursor' || infoName === 'endCursor') info.push({ key: infoKey, kind: infoName })
        else decline()
      }
      plans.push({ key, kind: 'pageInfo', info })
    } else if (name === 'edges') {
      const edgeType = objectType(type.getFields()[name] ?? decline())
      const edge: EdgePlan[] = []
      for (const [edgeKey, edgeNodes] of subfields(walk, edgeType, fieldNodes)) {
        const edgeName = edgeNodes[0]!.name.value
        if (!fits(edgeKey)) decline()
        if (edgeName === '__typename') edge.push({ key: edgeKey, kind: 'typename', value: edgeType.name })
        else if (edgeName === 'cursor') edge.push({ key: edgeKey, kind: 'cursor' })
        else if (edgeName === 'node') {
          edge.push({ key: edgeKey, kind: 'node', fields: recordPlan(walk, resource, objectType(edgeType.getFields()[edgeName] ?? decline()), edgeNodes) })
        } else decline()
      }
      plans.push({ key, kind: 'edges', edge })
    } else decline()
  }
  return plans
}

