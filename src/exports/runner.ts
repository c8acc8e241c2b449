import { randomUUID } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { GraphQLSchema } from 'graphql'
import type { AppServices } from '../context.js'
import { exportDir, exportFile, finishedName, newPartName, removeExportFiles } from './export-files.js'
import { claimExport, exportsAhead, finishExport, releaseExport, takeRemovableFiles } from './exports.repository.js'
import { ExportFailure, ExportLost, type ExportExecutor, runExport } from './run-export.js'

/**
 * The export loop of one instance: takes exports to run from the table (new ones, and ones whose
 * instance stopped beating — those are resumed, so an export never stays RUNNING forever), one at
 * a time, and removes files that expired or will never be downloaded. Woken at once by a start on
 * this instance; it looks again on its own only when something may be due (schedule, below).
 */

export interface ExportRunner {
  /** Look for work now (a start on this instance). */
  wake(): void
  /** Stops taking work; the export in progress stops at its next batch and is resumed elsewhere or at the next start. */
  close(): Promise<void>
}

export function startExportRunner(services: AppServices, schema: GraphQLSchema, execute: ExportExecutor): ExportRunner {
  const { config, log } = services
  const db = services.database.db
  const dir = exportDir(config)
  if (config.DATABASE_URL && !config.GATEHOUSE_EXPORT_DIR) {
    // Several instances on one PostgreSQL each get a folder of their own: a download reaching another fails.
    log.info({ exportDir: dir }, 'bulk exports are written to the data folder; set GATEHOUSE_EXPORT_DIR to a folder every instance shares')
  }
  const runner = `${process.pid}-${randomUUID()}`
  const roundMs = (config.GATEHOUSE_EXPORT_STALE_SECONDS * 1000) / 3
  let closed = false
  let busy: Promise<void> | null = null
  let again = false

  const runOne = async (): Promise<boolean> => {
    const row = await claimExport(db, runner, config.GATEHOUSE_EXPORT_STALE_SECONDS)
    if (!row) return false
    // This run's own file (export-files.ts): renamed into place only when COMPLETED is recorded.
    const part = newPartName(row.file_token)
    const partPath = join(dir, part)
    // Made on first use, not at start: an instance that never exports leaves no folder behind.
    await mkdir(dir, { recursive: true })
    log.info({ exportId: row.id, businessId: row.business_id, resumed: Number(row.bytes) > 0 }, 'bulk export running')
    try {
      const result = await runExport(
        { services, schema, execute, runner, stopped: () => closed, sqlPath: config.GATEHOUSE_READ_PASSTHROUGH },
        row,
        { dir, part },
      )
      // Renamed while the row is locked by the COMPLETED update: no other run can record anything
      // in between, and a download never sees COMPLETED without its file.
      const done = await finishExport(db, row, runner, { status: 'COMPLETED', ...result, retentionHours: config.GATEHOUSE_EXPORT_RETENTION_HOURS },
        () => rename(partPath, exportFile(dir, row.file_token)))
      // Parts of runs that lost this export and died before removing theirs; or this one, canceled.
      await removeExportFiles(dir, row.file_token, done ? finishedName(row.file_token) : undefined)
      // Its bulk_export.finished deliveries (if any endpoint listens) go out now, not at the loop's next round.
      services.webhooks?.wake()
      log.info({ exportId: row.id, ...result }, done ? 'bulk export completed' : 'bulk export canceled')
    } catch (error) {
      if (error instanceof ExportLost) {
        // Closing: handed back at once, for another instance (or the next start) to resume from its
        // last batch, which this run's part holds. Canceled or taken over: its part is nobody's.
        if (closed) await releaseExport(db, row, runner)
        else await rm(partPath, { force: true })
        log.info({ exportId: row.id, closing: closed }, 'bulk export stopped before its end')
      } else {
        const failure = error instanceof ExportFailure ? error : new ExportFailure('INTERNAL_SERVER_ERROR', 'The export failed unexpectedly.')
        if (!(error instanceof ExportFailure)) log.error({ err: error, exportId: row.id }, 'bulk export failed')
        await finishExport(db, row, runner, { status: 'FAILED', code: failure.code, message: failure.message })
        await rm(partPath, { force: true })
        services.webhooks?.wake()
      }
    }
    return true
  }

  const removeFiles = async () => {
    for (const token of await takeRemovableFiles(db)) await removeExportFiles(dir, token)
  }

  /**
   * When to look again. While an export is open somewhere, every third of the stale time (to take
   * over one whose instance died); else at the next expiry, and at least every ten stale times. An
   * idle deployment sends next to nothing: a start wakes its own instance's runner at once.
   */
  let timer: NodeJS.Timeout | undefined
  const schedule = async () => {
    const { open, nextExpiry } = await exportsAhead(db)
    const sweepMs = config.GATEHOUSE_EXPORT_STALE_SECONDS * 10_000
    const dueMs = open ? roundMs : Math.min(sweepMs, nextExpiry ? Math.max(nextExpiry.getTime() - Date.now() + 1_000, roundMs) : sweepMs)
    clearTimeout(timer)
    if (!closed) timer = setTimeout(round, dueMs).unref()
  }

  function round() {
    if (closed) return
    if (busy) {
      again = true
      return
    }
    busy = (async () => {
      try {
        do {
          again = false
          while (!closed && (await runOne()));
          if (!closed) await removeFiles()
        } while (again && !closed)
        await schedule()
      } catch (error) {
        log.warn({ err: error }, 'bulk export round failed; retrying at the next one')
        clearTimeout(timer)
        if (!closed) timer = setTimeout(round, roundMs).unref()
      } finally {
        busy = null
      }
    })()
  }

  round()
  return {
    wake: round,
    close: async () => {
      closed = true
      clearTimeout(timer)
      await busy
    },
  }
}
