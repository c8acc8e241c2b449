import { builder } from '../../graphql/builder.js'
import { contactsResource } from '../../crm/contacts/contacts.resource.js'
import { jobsResource } from '../../orders/jobs/jobs.resource.js'
import { purchaseOrdersResource } from '../../orders/purchase-orders/purchase-orders.resource.js'
import { salesOrdersResource } from '../../orders/sales-orders/sales-orders.resource.js'
import { suppliersResource } from '../../orders/suppliers/suppliers.resource.js'
import type { Resource } from '../resource.js'
import { readNodes } from '../read/reads.js'

/** Every resource `node` and `nodes` can find, by GraphQL type name. */
export const nodeResources: ReadonlyMap<string, Resource> = new Map(
  [jobsResource, salesOrdersResource, purchaseOrdersResource, contactsResource, suppliersResource].map((resource) => [
    resource.typeName,
    resource,
  ]),
)

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any record by its global id. One the caller may not see, or of another business, is NOT_FOUND.',
    args: { id: t.arg.id({ required: true }) },
    authScopes: { authenticated: true },
    resolve: async (_root, args, context, info) => {
      const [node] = await readNodes(context, nodeResources, [args.id], info)
      if (node instanceof Error) throw node
      return node as never
    },
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: 'Records by global id, in the order asked (at most 100); each one not found is null with an error.',
    args: { ids: t.arg.idList({ required: true, validate: { maxLength: 100 } }) },
    authScopes: { authenticated: true },
    resolve: (_root, args, context, info) => readNodes(context, nodeResources, args.ids, info) as never,
  }),
}))
