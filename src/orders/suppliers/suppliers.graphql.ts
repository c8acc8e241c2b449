import type { Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { connectionOf, pageArgs } from '../../graphql/connections.js'
import { listFilterFields } from '../../graphql/filters.js'
import { recordFields } from '../../graphql/record-fields.js'
import { resolveMany } from '../../read/relations.js'
import { readList, readOne } from '../../read/root-fields.js'
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
    purchaseOrders: t.field({
      type: PurchaseOrderConnection,
      nullable: true,
      args: pageArgs(t),
      resolve: resolveMany(suppliersResource) as never,
    }),
    ...recordFields(t),
  }),
})

const SupplierFilter = builder.inputType('SupplierFilter', { fields: (t) => listFilterFields(t) })

builder.queryFields((t) => ({
  suppliers: t.field({
    type: SupplierConnection,
    args: { ...pageArgs(t), filter: t.arg({ type: SupplierFilter }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'INQUIRE'] },
    resolve: (_root, args, context, info) => readList(context, suppliersResource, args, info) as never,
  }),
  supplier: t.field({
    type: SupplierRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { perm: ['PURCHASE_ORDERS', 'INQUIRE'] },
    resolve: (_root, args, context, info) => readOne(context, suppliersResource, args.id, info) as never,
  }),
}))
