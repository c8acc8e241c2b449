import type { EnumRef } from '@pothos/core'
import type { SchemaTypes } from '../../graphql/builder.js'

/** Filter fields every list accepts. */
export function listFilterFields(t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>) {
  return {
    updatedSince: t.field({
      type: 'DateTime',
      required: false,
      description:
        'Only records changed at or after this time, ordered by (updatedAt, id) so a sync can resume from its last cursor.',
    }),
    search: t.string({
      required: false,
      description: 'Case-insensitive text match (at most 200 characters).',
      validate: { maxLength: SEARCH_MAX },
    }),
  }
}

/** An enum list filter (`status: [WIP, DONE]`): any of these; a list longer than any real one is refused before SQL. */
export function anyOfFilterField(
  t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, 'InputObject'>,
  type: EnumRef<SchemaTypes, any, any>,
  what: string,
) {
  return t.field({ type: [type], required: false, description: `Any of these ${what} (at most ${ANY_OF_MAX}).`, validate: { maxLength: ANY_OF_MAX } })
}

/** The longest lists and search texts a filter takes (the pass-through read checks them as validation does). */
export const ANY_OF_MAX = 20
export const SEARCH_MAX = 200
