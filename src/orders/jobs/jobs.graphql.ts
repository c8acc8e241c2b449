import { ContactRef } from '../../crm/contacts/contacts.graphql.js'
import type { Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { relationField } from '../../records/fields/relation-fields.js'
import { defineRootFields } from '../../records/fields/root-fields.js'
import { connectionOf } from '../../records/fields/connections.js'
import { recordFields } from '../../records/fields/record-fields.js'
import { ownerField } from '../../records/fields/owner-field.js'
import { anyOfFilterField, listFilterFields } from '../../records/fields/filters.js'
import { PurchaseOrderConnection } from '../purchase-orders/purchase-orders.graphql.js'
import { SalesOrderConnection } from '../sales-orders/sales-orders.graphql.js'
import { jobsResource } from './jobs.resource.js'

export type JobRow = Row<'jobs'>

export const JobStatus = builder.enumType('JobStatus', {
  values: {
    WIP: { description: 'Work in progress.' },
    PENDING: { description: 'Waiting on the client.' },
    SUBMITTED: { description: 'Submitted to production.' },
    CLOSED: { description: 'Done.' },
  } as const,
})

export const JobRef = builder.objectRef<JobRow>('Job')
export const JobConnection = connectionOf(JobRef, 'Job')

builder.node(JobRef, {
  description: 'A job: the project a client buys, which sales and purchase orders belong to.',
  id: { resolve: (job) => job.id },
  fields: (t) => ({
    number: t.exposeInt('number', { description: 'Unique within the business.' }),
    name: t.exposeString('name'),
    status: t.field({ type: JobStatus, resolve: (job) => job.status }),
    inHandsDate: t.field({ type: 'LocalDate', nullable: true, resolve: (job) => job.in_hands_date }),
    client: relationField(t, jobsResource, 'client', ContactRef),
    salesOrders: relationField(t, jobsResource, 'salesOrders', SalesOrderConnection),
    purchaseOrders: relationField(t, jobsResource, 'purchaseOrders', PurchaseOrderConnection),
    owner: ownerField(t, "The job's owner (its sales rep, or the API member that created it): what MINE and MY filter on."),
    ...recordFields(t),
  }),
})

const JobFilter = builder.inputType('JobFilter', {
  fields: (t) => ({
    ...listFilterFields(t),
    status: anyOfFilterField(t, JobStatus, 'statuses'),
  }),
})

defineRootFields({
  resource: jobsResource,
  list: 'jobs',
  lookup: 'job',
  nodeRef: JobRef,
  connection: JobConnection,
  filter: JobFilter,
  columnFilters: { status: 'status' },
  description: 'Jobs the caller may see.',
})
