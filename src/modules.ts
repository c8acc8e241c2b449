import { adminModule } from './admin/admin.module.js'
import { crmModule } from './crm/crm.module.js'
import { exportsModule } from './exports/exports.module.js'
import type { GatehouseModule } from './records/module.js'
import { ordersModule } from './orders/orders.module.js'
import { webhooksModule } from './webhooks/webhooks.module.js'

/**
 * Every module of Gatehouse, the one list the schema is built from. Adding a module touches its
 * own folder and this list, nothing in the engine.
 */
export const modules: readonly GatehouseModule[] = [ordersModule, crmModule, adminModule, webhooksModule, exportsModule]
