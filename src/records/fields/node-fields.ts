import { builder } from '../../graphql/builder.js'
import type { Resource } from '../resource.js'
import { readNodes } from '../read/reads.js'

/** `node` and `nodes`, over the record types the composition root hands in (src/modules.ts), by GraphQL type name. */
export function defineNodeFields(nodeResources: ReadonlyMap<string, Resource>): void {
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
}
