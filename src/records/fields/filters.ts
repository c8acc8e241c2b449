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
      validate: { maxLength: 200 },
    }),
  }
}
