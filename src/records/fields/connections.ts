import type { ArgBuilder, ObjectRef } from '@pothos/core'
import type { ConnectionValue } from '../read/relations.js'
import { type SchemaTypes, builder } from '../../graphql/builder.js'

/** `<Type>Connection` and `<Type>Edge`, shared by a type's root list and every nested list of it. */
export function connectionOf<T>(nodeRef: ObjectRef<any, T>, typeName: string) {
  return builder.connectionObject(
    {
      type: nodeRef,
      name: `${typeName}Connection`,
      fields: (t) => ({
        totalCount: t.int({
          description: 'How many records the list holds in all pages (the caller sees only what its role allows).',
          resolve: (connection) => {
            const { totalCount } = connection as unknown as ConnectionValue
            if (totalCount === null) throw new Error('totalCount was selected but not computed')
            return totalCount
          },
        }),
      }),
    },
    { name: `${typeName}Edge` },
  )
}

/** The connection arguments, with their limits in the description. */
export const pageArgs = (t: { arg: ArgBuilder<SchemaTypes> }) => ({
  first: t.arg.int({ description: 'Rows after `after` (default 25, at most 100).' }),
  after: t.arg.string({ description: 'A cursor from a previous page.' }),
  last: t.arg.int({ description: 'Rows before `before` (at most 100).' }),
  before: t.arg.string({ description: 'A cursor from a previous page.' }),
})
