import { canAdminister } from '../access/principal.js'
import type { GatehouseModule } from '../records/module.js'
import './deliveries.graphql.js'
import './endpoints.graphql.js'
import { ENDPOINT_COLUMNS } from './endpoints.repository.js'

/**
 * Webhooks: admins register endpoints (endpoints.graphql.ts); record writes append to the outbox
 * (records/write/outbox.ts) in their own transaction; the delivery loop (worker.ts) signs and
 * sends after commit. docs/webhooks.md tells the design.
 */
export const webhooksModule: GatehouseModule = {
  name: 'webhooks',
  resources: [],
  nodeSources: [
    {
      typeName: 'WebhookEndpoint',
      readable: canAdminister,
      load: async ({ db, principal }, ids) => {
        if (ids.length === 0) return new Map()
        const rows = await db.selectFrom('webhook_endpoints').select(ENDPOINT_COLUMNS)
          .where('business_id', '=', principal.businessId).where('id', 'in', [...ids]).execute()
        return new Map(rows.map((row) => [row.id, row]))
      },
    },
  ],
}
