import type { GatehouseModule } from '../records/module.js'
import './exports.graphql.js'
import { findExport } from './exports.repository.js'

/**
 * Bulk exports: startBulkExport checks a read query and records it (exports.graphql.ts); the
 * runner (runner.ts) writes it as JSONL through the ordinary read path, batch by batch; the
 * download plugin (download.ts) serves the file. docs/export.md tells the design.
 */
export const exportsModule: GatehouseModule = {
  name: 'exports',
  resources: [],
  nodeSources: [
    {
      typeName: 'BulkExport',
      // Every principal may see its own exports, and only those (the loader filters by principal).
      readable: () => true,
      load: async ({ db, principal }, ids) => {
        const rows = await Promise.all(ids.map((id) => findExport(db, principal, id)))
        return new Map(rows.filter((row) => row !== undefined).map((row) => [row.id, row]))
      },
    },
  ],
}
