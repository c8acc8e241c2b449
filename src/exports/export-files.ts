import { randomBytes } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Config } from '../config.js'

/**
 * The export folder's layout, in one place. A finished export is `<token>.jsonl`, served by any
 * instance. While it runs, each run (each claim of the export by a runner) writes a part file of
 * its own, `<token>.<run>.part`, renamed to `<token>.jsonl` only in the transaction that records
 * COMPLETED. A run that lost its claim (taken over after a stall, canceled) may go on writing for
 * a moment before it notices: with a file of its own it can never tear the file the export's new
 * owner writes or serves, nor create the served file again after it was removed. Tokens are
 * base64url (no dots), so `<token>.` names every file of one export and nothing else.
 */

/** The folder export files are written to and served from. */
export function exportDir(config: Pick<Config, 'GATEHOUSE_EXPORT_DIR' | 'GATEHOUSE_DATA_DIR'>): string {
  return resolve(config.GATEHOUSE_EXPORT_DIR ?? join(config.GATEHOUSE_DATA_DIR, 'exports'))
}

/** The finished file's name (relative to the folder). */
export const finishedName = (token: string) => `${token}.jsonl`

/** The finished file of an export, as downloads read it. */
export const exportFile = (dir: string, token: string) => join(dir, finishedName(token))

/** A new run's part file name (relative to the folder: it is saved in the export's progress). */
export const newPartName = (token: string) => `${token}.${randomBytes(6).toString('base64url')}.part`

/** Removes every file of one export (its finished file and any run's part), or every part but `keep`. */
export async function removeExportFiles(dir: string, token: string, keep?: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[])
  const prefix = `${token}.`
  await Promise.all(names.filter((name) => name.startsWith(prefix) && name !== keep).map((name) => rm(join(dir, name), { force: true })))
}
