import type { GatehouseModule } from '../records/module.js'
import './contacts/contacts.graphql.js'
import './contacts/contacts.mutations.js'
import { contactsResource } from './contacts/contacts.resource.js'

/** The CRM API: contacts (clients and prospects). Stands alone: it knows nothing of orders. */
export const crmModule: GatehouseModule = { name: 'crm', resources: [contactsResource] }
