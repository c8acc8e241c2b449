import type { Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { relationField } from '../../records/fields/relation-fields.js'
import { defineRootFields } from '../../records/fields/root-fields.js'
import { connectionOf } from '../../records/fields/connections.js'
import { listFilterFields } from '../../records/fields/filters.js'
import { recordFields } from '../../records/fields/record-fields.js'
import { PurchaseOrderConnection } from '../purchase-orders/purchase-orders.graphql.js'
import { suppliersResource } from './suppliers.resource.js'

export type SupplierRow = Row<'suppliers'>

export const SupplierRef = builder.objectRef<SupplierRow>('Supplier')
export const SupplierConnection = connectionOf(SupplierRef, 'Supplier')

builder.node(SupplierRef, {
  description: 'A supplier the business buys from (module PURCHASE_ORDERS; suppliers have no owner).',
  id: { resolve: (supplier) => supplier.id },
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    purchaseOrders: relationField(t, suppliersResource, 'purchaseOrders', PurchaseOrderConnection),
    ...recordFields(t),
  }),
})

const SupplierFilter = builder.inputType('SupplierFilter', { fields: (t) => listFilterFields(t) })

defineRootFields({
  resource: suppliersResource,
  list: 'suppliers',
  lookup: 'supplier',
  nodeRef: SupplierRef,
  connection: SupplierConnection,
  filter: SupplierFilter,
  description: 'Suppliers of the business.',
})
