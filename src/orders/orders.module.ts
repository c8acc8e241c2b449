import type { GatehouseModule } from '../records/module.js'
import './contacts/contact-orders.js'
import './jobs/jobs.graphql.js'
import './jobs/jobs.mutations.js'
import { jobsResource } from './jobs/jobs.resource.js'
import './purchase-orders/purchase-orders.graphql.js'
import './purchase-orders/purchase-orders.mutations.js'
import { purchaseOrdersResource } from './purchase-orders/purchase-orders.resource.js'
import './sales-orders/sales-orders.graphql.js'
import './sales-orders/sales-orders.mutations.js'
import { salesOrdersResource } from './sales-orders/sales-orders.resource.js'
import './suppliers/suppliers.graphql.js'
import './suppliers/suppliers.mutations.js'
import { suppliersResource } from './suppliers/suppliers.resource.js'

/** The Orders API: jobs, sales and purchase orders, suppliers; it extends CRM's contacts with their orders. */
export const ordersModule: GatehouseModule = {
  name: 'orders',
  resources: [jobsResource, salesOrdersResource, purchaseOrdersResource, suppliersResource],
}
