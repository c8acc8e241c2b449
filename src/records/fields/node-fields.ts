import { builder } from '../../graphql/builder.js'
import type { NodeSource } from '../module.js'
import { readNodes } from '../read/reads.js'

/** `node` and `nodes`, over the Node types the composition root hands in (src/modules.ts), by GraphQL type name. */
export function defineNodeFields(sources: ReadonlyMap<string, NodeSource>): void {
  builder.queryFields((t) => ({
    node: t.field({
      type: builder.nodeInterfaceRef(),
      nullable: true,
      description: 'Anything with a global id: a record, or (for admins) a user, API member, key, role or team. One the caller may not see, or of another business, is NOT_FOUND.',
      args: { id: t.arg.id({ required: true }) },
      authScopes: { authenticated: true },
      resolve: async (_root, args, context, info) => {
        const [node] = await readNodes(context, sources, [args.id], info, 'id')
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
      resolve: (_root, args, context, info) => readNodes(context, sources, args.ids, info, 'ids') as never,
    }),
  }))
}
