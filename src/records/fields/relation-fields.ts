import type { ObjectRef } from '@pothos/core'
import { resolveMany, resolveOne } from '../read/relations.js'
import type { Resource } from '../resource.js'
import { pageArgs } from './connections.js'

/**
 * A relation field (Job.client, Job.salesOrders…) from the resource's description: its resolver,
 * its page arguments when it is a list, and the INQUIRE scope of the module it reaches, so the
 * GraphQL rule and the SQL row filter come from the same place. Nullable: a role without that
 * module gets null and FORBIDDEN at the field's path, and the rest of the answer stands.
 * Typed loosely on purpose: Pothos's field builder is generic per parent type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function relationField(t: any, resource: Resource, name: string, type: ObjectRef<any, any>) {
  const relation = resource.relations[name]
  if (!relation || relation.kind === 'lines') throw new Error(`${resource.typeName}.${name} is not a record relation`)
  const authScopes = { perm: [relation.target().module, 'INQUIRE'] }
  return relation.kind === 'one'
    ? t.field({ type, nullable: true, authScopes, resolve: resolveOne(resource) as never })
    : t.field({ type, nullable: true, args: pageArgs(t), authScopes, resolve: resolveMany(resource) as never })
}
