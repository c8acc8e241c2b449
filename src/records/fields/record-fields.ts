/**
 * Fields every synced record has: its version for optimistic concurrency and its timestamps.
 * Typed loosely on purpose: Pothos's field builder is generic over each parent type.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function recordFields(t: any) {
  return {
    version: t.int({
      description: 'Increases with every change; pass it back as `expectedVersion` to update or delete safely.',
      resolve: (row: { version: number }) => row.version,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (row: { created_at: Date | string }) => row.created_at }),
    updatedAt: t.field({
      type: 'DateTime',
      description: 'Kept by the database on every write; what `filter.updatedSince` compares.',
      resolve: (row: { updated_at: Date | string }) => row.updated_at,
    }),
  }
}
