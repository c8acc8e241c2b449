import type { ColumnType, Generated } from 'kysely'
import type { Id, Timestamp } from './types.js'

/** Bulk exports (migration 2026-12-07T08-00-00; src/exports/). */

type GeneratedId = ColumnType<string, string | number | bigint | undefined, never>
type Count = ColumnType<string, string | number | undefined, string | number>

export type BulkExportStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED'

export interface BulkExportsTable {
  business_id: Id
  id: GeneratedId
  principal_id: Id
  credential: ColumnType<unknown, string, string>
  /** The GraphQL document as the caller sent it (validated at start). */
  query: string
  status: ColumnType<BulkExportStatus, BulkExportStatus | undefined, BulkExportStatus>
  object_count: Count
  bytes: Count
  /** Where a resumed run continues (src/exports/runner.ts): JSON written by the runner only. */
  progress: ColumnType<unknown, string | null | undefined, string | null>
  /** The unguessable part of the file's name and download URL. */
  file_token: string
  error_code: string | null
  error_message: string | null
  /** The instance running it, and when it last said so: a stale heartbeat means it stopped. */
  runner: string | null
  heartbeat_at: Timestamp | null
  created_at: Generated<Date>
  started_at: Timestamp | null
  completed_at: Timestamp | null
  expires_at: Timestamp | null
  file_removed_at: Timestamp | null
}
