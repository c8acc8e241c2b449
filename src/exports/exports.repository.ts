import { randomBytes } from 'node:crypto'
import { type Kysely, type Selectable, sql } from 'kysely'
import type { Credential, Principal } from '../access/principal.js'
import type { BulkExportStatus, BulkExportsTable } from '../db/export-tables.js'
import type { Database } from '../db/types.js'
import { conflict } from '../graphql/errors.js'
import { appendExportFinished } from '../records/write/outbox.js'

/** The bulk_exports table: every function takes the executor first, and the principal where a caller asks. */

export type ExportRow = Selectable<BulkExportsTable>

/** Where a run stands between batches: enough for another instance to go on from there. */
export interface ExportProgress {
  /** Index of the root connection being read. */
  root: number
  /** Cursor after the last root node written, or null at that root's start. */
  after: string | null
  /** The run's part file in the export folder holding the bytes saved so far (export-files.ts). */
  part?: string
}

export const OPEN_STATUSES: readonly BulkExportStatus[] = ['CREATED', 'RUNNING']

/** Records a new export for the caller; a second one while one is open is CONFLICT. */
export async function insertExport(db: Kysely<Database>, principal: Principal, query: string): Promise<ExportRow> {
  const credential: Credential =
    principal.credential.kind === 'api_key' ? { ...principal.credential, allowedNetworks: [] } : principal.credential
  const row = await db
    .insertInto('bulk_exports')
    .values({
      business_id: principal.businessId,
      principal_id: principal.id,
      credential: JSON.stringify(credential),
      query,
      file_token: randomBytes(24).toString('base64url'),
    })
    // The partial unique index admits one open export per principal.
    .onConflict((oc) => oc.columns(['business_id', 'principal_id']).where('status', 'in', OPEN_STATUSES).doNothing())
    .returningAll()
    .executeTakeFirst()
  if (!row) throw conflict('An export of yours is still running: wait for it, or cancel it with cancelBulkExport.')
  return row
}

/** One of the caller's own exports (another principal's, or another business's, is absent). */
export function findExport(db: Kysely<Database>, principal: Principal, id: string): Promise<ExportRow | undefined> {
  return db.selectFrom('bulk_exports').selectAll()
    .where('business_id', '=', principal.businessId).where('principal_id', '=', principal.id).where('id', '=', id)
    .executeTakeFirst()
}

/** The caller's export behind a download token. */
export function findByToken(db: Kysely<Database>, principal: Principal, token: string): Promise<ExportRow | undefined> {
  return db.selectFrom('bulk_exports').selectAll()
    .where('business_id', '=', principal.businessId).where('file_token', '=', token).where('principal_id', '=', principal.id)
    .executeTakeFirst()
}

/** Cancels the caller's open export (and announces it); the runner sees it at its next batch. */
export async function cancelExport(db: Kysely<Database>, principal: Principal, id: string): Promise<ExportRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const canceled = await trx.updateTable('bulk_exports')
      .set({ status: 'CANCELED', completed_at: sql`now()`, progress: null })
      .where('business_id', '=', principal.businessId).where('principal_id', '=', principal.id).where('id', '=', id)
      .where('status', 'in', OPEN_STATUSES)
      .returningAll()
      .executeTakeFirst()
    if (canceled) await appendExportFinished(trx, principal.businessId, principal.id, canceled.id)
    return canceled
  })
}

/**
 * Takes one export to run: a new one, or one whose runner stopped beating (a stopped or crashed
 * instance) — that one is resumed from its saved progress. SKIP LOCKED: two instances never take
 * the same one.
 */
export async function claimExport(db: Kysely<Database>, runner: string, staleSeconds: number): Promise<ExportRow | undefined> {
  const { rows } = await sql<ExportRow>`
    update bulk_exports set status = 'RUNNING', runner = ${runner}, heartbeat_at = now(), started_at = coalesce(started_at, now())
    where (business_id, id) = (
      select business_id, id from bulk_exports
      where status = 'CREATED' or (status = 'RUNNING' and heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
      order by created_at limit 1 for update skip locked
    )
    returning *`.execute(db)
  return rows[0]
}

/** Saves progress and beats; false when the export is no longer this runner's (canceled, or taken over). */
export async function saveProgress(
  db: Kysely<Database>,
  row: ExportRow,
  runner: string,
  values: { objectCount: number; bytes: number; progress: ExportProgress },
): Promise<boolean> {
  const saved = await db.updateTable('bulk_exports')
    .set({ object_count: values.objectCount, bytes: values.bytes, progress: JSON.stringify(values.progress), heartbeat_at: sql`now()` })
    .where('business_id', '=', row.business_id).where('id', '=', row.id)
    .where('status', '=', 'RUNNING').where('runner', '=', runner)
    .returning('id')
    .executeTakeFirst()
  return saved !== undefined
}

/** Beats without saving progress (a long batch); false when the export is no longer this runner's. */
export async function beat(db: Kysely<Database>, row: ExportRow, runner: string): Promise<boolean> {
  const beaten = await db.updateTable('bulk_exports').set({ heartbeat_at: sql`now()` })
    .where('business_id', '=', row.business_id).where('id', '=', row.id)
    .where('status', '=', 'RUNNING').where('runner', '=', runner)
    .returning('id')
    .executeTakeFirst()
  return beaten !== undefined
}

/** Hands a run back (this instance is stopping): any instance resumes it from its saved progress. */
export async function releaseExport(db: Kysely<Database>, row: ExportRow, runner: string): Promise<void> {
  await db.updateTable('bulk_exports').set({ status: 'CREATED', runner: null, heartbeat_at: null })
    .where('business_id', '=', row.business_id).where('id', '=', row.id)
    .where('status', '=', 'RUNNING').where('runner', '=', runner)
    .execute()
}

/**
 * Ends a run this runner holds: COMPLETED (downloadable until it expires) or FAILED with a contract
 * code, and announces it (`bulk_export.finished`) in the same transaction. `whileLocked` runs
 * after the row is updated (and locked) and before the commit, only when this runner held it; if
 * it throws, nothing is recorded.
 */
export async function finishExport(
  db: Kysely<Database>,
  row: ExportRow,
  runner: string,
  end: { status: 'COMPLETED'; objectCount: number; bytes: number; retentionHours: number } | { status: 'FAILED'; code: string; message: string },
  whileLocked?: () => Promise<void>,
): Promise<boolean> {
  const values = end.status === 'COMPLETED'
    ? { object_count: end.objectCount, bytes: end.bytes, expires_at: sql<Date>`now() + make_interval(secs => ${end.retentionHours * 3600})` }
    : { error_code: end.code, error_message: end.message.slice(0, 500) }
  return db.transaction().execute(async (trx) => {
    const done = await trx.updateTable('bulk_exports')
      .set({ ...values, status: end.status, completed_at: sql`now()`, progress: null, runner: null, heartbeat_at: null })
      .where('business_id', '=', row.business_id).where('id', '=', row.id)
      .where('status', '=', 'RUNNING').where('runner', '=', runner)
      .returning('id')
      .executeTakeFirst()
    if (!done) return false
    await appendExportFinished(trx, row.business_id, row.principal_id, row.id)
    await whileLocked?.()
    return true
  })
}

/** Tokens of files nobody may download any more (expired, failed or canceled), marked as removed. */
export async function takeRemovableFiles(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.updateTable('bulk_exports')
    .set({ file_removed_at: sql`now()` })
    .where('file_removed_at', 'is', null)
    .where((eb) => eb.or([
      eb.and([eb('status', '=', 'COMPLETED'), eb('expires_at', '<', sql<Date>`now()`)]),
      eb('status', 'in', ['FAILED', 'CANCELED']),
    ]))
    .returning('file_token')
    .execute()
  return rows.map((row) => row.file_token)
}

/** What the runners may have to do later: any open export (anywhere), and the next file to expire. */
export async function exportsAhead(db: Kysely<Database>): Promise<{ open: boolean; nextExpiry: Date | null }> {
  const row = await db.selectFrom('bulk_exports')
    .select([
      sql<boolean>`coalesce(bool_or(status in ('CREATED', 'RUNNING')), false)`.as('open'),
      sql<Date | null>`min(expires_at) filter (where status = 'COMPLETED' and file_removed_at is null)`.as('next_expiry'),
    ])
    .executeTakeFirstOrThrow()
  return { open: row.open, nextExpiry: row.next_expiry === null ? null : new Date(row.next_expiry) }
}
