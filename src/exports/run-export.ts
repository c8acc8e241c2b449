import { createWriteStream } from 'node:fs'
import { copyFile, rm, stat, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import type { DocumentNode, ExecutionResult, GraphQLSchema } from 'graphql'
import type { Credential, Principal } from '../access/principal.js'
import { loadPrincipal } from '../access/credentials/load-principal.js'
import { type AppServices, type Context, createContext } from '../context.js'
import { ErrorCode } from '../graphql/errors.js'
import { principalShape } from '../records/read/statement-cache.js'
import { SqlBatchReader, type SqlRoot, planSqlRoot } from './export-sql.js'
import { type ConnectionPlan, type RootPlan, followUpDocument, planExport } from './export-query.js'
import { type ExportProgress, type ExportRow, beat, saveProgress } from './exports.repository.js'
import { finishedName } from './export-files.js'

/**
 * One run of one export: root connection by root connection, a batch of 100 nodes at a time, as
 * the export's principal (loaded afresh for every batch, so a deactivated principal or a narrowed
 * role applies at once), each batch its own short statement — no transaction spans the export.
 * A batch is one statement whose lines PostgreSQL writes (export-sql.ts) when the pass-through's
 * plan answers the root exactly; otherwise an ordinary GraphQL execution, flattened here. Both
 * write the same bytes and save the same progress, so either may go on from the other's batch.
 * Lines are written to the file as they come; after each batch the bytes on disk and the cursor
 * are saved, so another instance can resume from there.
 */

/** Root batches read by each path since the process started (and SQL ones read ahead), for tests and the bench. */
export const exportBatchStats = { sql: 0, graphql: 0, readAhead: 0 }

/** A failure that ends the export with one of the contract's codes. */
export class ExportFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

/** Why a run stopped before the end without failing: canceled, taken over by another runner, or this instance stopping. */
export class ExportLost extends Error {}

interface Connection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  nodes: Array<Record<string, unknown>>
}

/** Runs one document as the context's principal: graphql-js, or the server's compiled (jit) executor. */
export type ExportExecutor = (document: DocumentNode, variables: Record<string, unknown>, context: Context) => Promise<ExecutionResult> | ExecutionResult

export interface RunResult {
  objectCount: number
  bytes: number
}

/** Runs `row` to its end (or throws ExportFailure / ExportLost), writing this run's part file in `dir`. */
export async function runExport(
  deps: {
    services: AppServices
    schema: GraphQLSchema
    execute: ExportExecutor
    runner: string
    stopped: () => boolean
    /** Whether batches PostgreSQL can write go the SQL path (GATEHOUSE_READ_PASSTHROUGH). */
    sqlPath: boolean
  },
  row: ExportRow,
  files: { dir: string; part: string },
): Promise<RunResult> {
  const { services, schema, runner } = deps
  const db = services.database.db
  const credential = row.credential as Credential
  const principalNow = async () => {
    const principal = await loadPrincipal(db, row.business_id, row.principal_id, credential)
    if (!principal) throw new ExportFailure(ErrorCode.UNAUTHENTICATED, 'The principal that started the export is no longer active.')
    return principal
  }
  // Planned again as the principal stands now: a role narrowed since the start is refused here.
  let roots: RootPlan[] = []
  // The SQL path's plan per root for the principal's role as it stands (its shape): planned again
  // when the role changes, when a narrowed one is refused as at the start.
  let sqlRoots: { shape: string; roots: Array<SqlRoot | null> } = { shape: '', roots: [] }
  const sqlRootsOf = (principal: Principal) => {
    const shape = principalShape(principal)
    if (sqlRoots.shape !== shape) {
      try {
        roots = planExport(schema, row.query, principal)
      } catch (error) {
        throw asFailure(error)
      }
      const jitOrder = services.config.GATEHOUSE_JIT
      sqlRoots = { shape, roots: roots.map((root) => (deps.sqlPath ? planSqlRoot(schema, principal, root, jitOrder) : null)) }
    }
    return sqlRoots.roots
  }
  sqlRootsOf(await principalNow())
  const sqlBatches = new SqlBatchReader(db)

  let progress = (row.progress as ExportProgress | null) ?? { root: 0, after: null }
  let bytes = Number(row.bytes)
  let objectCount = Number(row.object_count)
  const path = join(files.dir, files.part)
  if (bytes > 0) {
    // Resuming: what the last saved batch left in the previous run's part is copied into this
    // run's (that run may not have stopped writing yet), anything written after that batch cut off.
    // (An export saved before parts existed wrote to its final name.)
    const previous = join(files.dir, progress.part ?? finishedName(row.file_token))
    const onDisk = await stat(previous).then((file) => file.size, () => -1)
    if (onDisk < bytes) throw new ExportFailure(ErrorCode.SERVICE_UNAVAILABLE, 'The partial export file was lost; start the export again.')
    await copyFile(previous, path)
    await truncate(path, bytes)
    await rm(previous, { force: true })
  }
  const file = createWriteStream(path, bytes > 0 ? { flags: 'r+', start: bytes } : { flags: 'w' })
  let failed: Error | null = null
  file.on('error', (error) => (failed = error))
  // Lines are gathered into chunks of about 64 KiB: one write per chunk, not per line.
  let chunk: string[] = []
  let chunkBytes = 0
  let written: Promise<void> = Promise.resolve()
  const flush = async () => {
    if (chunk.length === 0) return
    const pieces = chunk
    chunk = []
    chunkBytes = 0
    // One writev of the pieces, not a string joined from them: every byte is copied once less.
    file.cork()
    for (const piece of pieces.slice(0, -1)) file.write(piece)
    written = new Promise((resolve, reject) => file.write(pieces.at(-1)!, (error) => (error ? reject(error) : resolve())))
    file.uncork()
    // Awaited at the batch's end; until then a failure is also seen through `failed`, never unhandled.
    written.catch(() => {})
    // Backpressure: wait while the file is behind, so memory holds about one batch, never the export.
    if (file.writableNeedDrain) await new Promise<void>((resolve) => file.once('drain', () => resolve()))
    if (failed) throw failed
  }
  const write = async (text: string, objects: number) => {
    const size = Buffer.byteLength(text)
    bytes += size
    chunkBytes += size
    objectCount += objects
    chunk.push(text)
    if (chunkBytes >= 64 * 1024) await flush()
  }
  const writeLine = (line: Record<string, unknown>) => write(`${JSON.stringify(line)}\n`, 1)

  // A batch with many nested pages can take a while: the runner beats between executions too, so no
  // other instance takes the export over (and writes the same file) while this one is still at it.
  const beatEveryMs = (services.config.GATEHOUSE_EXPORT_STALE_SECONDS * 1000) / 3
  let lastBeat = Date.now()
  const keepBeating = async () => {
    if (Date.now() - lastBeat < beatEveryMs) return
    if (!(await beat(db, row, runner))) throw new ExportLost()
    lastBeat = Date.now()
  }

  const run = async (document: DocumentNode, variables: Record<string, unknown>, principal?: Principal) => {
    await keepBeating()
    const context = createContext(services, { requestId: `export-${row.id}`, clientAddress: null, principal: principal ?? (await principalNow()) })
    const result = await deps.execute(document, variables, context)
    const error = result.errors?.[0]
    if (error) {
      const code = String(error.extensions?.code ?? '')
      throw new ExportFailure(code in ErrorCode ? code : 'INTERNAL_SERVER_ERROR', code in ErrorCode ? error.message : 'The export failed unexpectedly.')
    }
    return result.data as Record<string, unknown>
  }

  // One document per parent type and connection, so a compiled executor compiles each once.
  const followUps = new Map<string, DocumentNode>()
  const followUp = (parentType: string, plan: ConnectionPlan) => {
    const key = `${parentType} ${JSON.stringify(plan.field)}`
    let document = followUps.get(key)
    if (!document) followUps.set(key, (document = followUpDocument(parentType, plan)))
    return document
  }

  /** Writes a connection's nodes as lines, each followed by its own children; pages nested connections to their end. */
  const writeNodes = async (connection: Connection, plan: ConnectionPlan, parentId: string | null) => {
    for (const node of connection.nodes) {
      const line: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(node)) if (!plan.children.some((child) => child.key === key)) line[key] = value
      if (parentId !== null) line.__parentId = parentId
      await writeLine(line)
      for (const child of plan.children) {
        let page = node[child.key] as Connection | null
        while (page) {
          await writeNodes(page, child, String(node.id))
          if (!page.pageInfo.hasNextPage) break
          const more = await run(followUp(String(node.__typename), child), { id: node.id, after: page.pageInfo.endCursor })
          page = (more.node as Record<string, unknown> | null)?.[child.key] as Connection | null
        }
      }
    }
  }

  try {
    while (progress.root < roots.length) {
      if (deps.stopped()) throw new ExportLost()
      await keepBeating()
      const principal = await principalNow()
      const sqlRoot = sqlRootsOf(principal)[progress.root]
      const root = roots[progress.root]!
      let next: { more: boolean; endCursor: string | null }
      if (sqlRoot) {
        const batch = await sqlBatches.read(principal, sqlRoot, progress.after)
        exportBatchStats.sql++
        if (batch.readAhead) exportBatchStats.readAhead++
        for (const node of batch.nodes) await write(node.lines, node.objects)
        next = batch
      } else {
        const data = await run(root.document, { after: progress.after }, principal)
        exportBatchStats.graphql++
        const page = data[root.key] as Connection
        await writeNodes(page, root, null)
        next = { more: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor }
      }
      progress = next.more ? { root: progress.root, after: next.endCursor } : { root: progress.root + 1, after: null }
      // On disk before it is recorded: a resumed run truncates to the recorded size, never past the disk's.
      await flush()
      await written
      if (!(await saveProgress(db, row, runner, { objectCount, bytes, progress: { ...progress, part: files.part } }))) throw new ExportLost()
      lastBeat = Date.now()
    }
    await flush()
    await written
  } finally {
    await new Promise<void>((resolve) => file.end(resolve))
  }
  return { objectCount, bytes }
}

/** A start-time refusal met again while running (a role narrowed since) keeps its code. */
function asFailure(error: unknown): Error {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code
  return typeof code === 'string' && code in ErrorCode ? new ExportFailure(code, (error as Error).message) : (error as Error)
}
