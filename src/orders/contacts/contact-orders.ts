import { ContactRef } from '../../crm/contacts/contacts.graphql.js'
import { contactsResource } from '../../crm/contacts/contacts.resource.js'
import { builder } from '../../graphql/builder.js'
import { relationField } from '../../records/fields/relation-fields.js'
import { extendResource } from '../../records/resource.js'
import { JobConnection } from '../jobs/jobs.graphql.js'
import { jobsResource } from '../jobs/jobs.resource.js'
import { SalesOrderConnection } from '../sales-orders/sales-orders.graphql.js'
import { salesOrdersResource } from '../sales-orders/sales-orders.resource.js'

/**
 * Orders extends CRM, not the reverse: a contact's jobs and sales orders (it is their client) are
 * declared here, and a contact some live job or order names cannot be deleted.
 */
extendResource(contactsResource, {
  relations: {
    jobs: { kind: 'many', target: () => jobsResource, foreignKey: 'client_id' },
    salesOrders: { kind: 'many', target: () => salesOrdersResource, foreignKey: 'client_id' },
  },
  referrers: [
    { resource: () => jobsResource, foreignKey: 'client_id', what: 'a job' },
    { resource: () => salesOrdersResource, foreignKey: 'client_id', what: 'a sales order' },
  ],
})

builder.objectFields(ContactRef, (t) => ({
  jobs: relationField(t, contactsResource, 'jobs', JobConnection),
  salesOrders: relationField(t, contactsResource, 'salesOrders', SalesOrderConnection),
}))
