import type { ContactPoint, PostalAddress, Row } from '../../db/types.js'
import { builder } from '../../graphql/builder.js'
import { defineRootFields } from '../../records/fields/root-fields.js'
import { connectionOf } from '../../records/fields/connections.js'
import { listFilterFields } from '../../records/fields/filters.js'
import { recordFields } from '../../records/fields/record-fields.js'
import { ownerField } from '../../records/fields/owner-field.js'
import { contactsResource } from './contacts.resource.js'

export type ContactRow = Row<'contacts'>

export const ContactType = builder.enumType('ContactType', {
  values: {
    CLIENT: { description: 'Buys from the business.' },
    PROSPECT: { description: 'Might; convert to a client when they do.' },
  } as const,
})

export const ContactPointRef = builder.objectRef<ContactPoint>('ContactPoint').implement({
  description: 'An email address or phone number with its label ("work", "mobile"…).',
  fields: (t) => ({ label: t.exposeString('label'), value: t.exposeString('value') }),
})

export const PostalAddressRef = builder.objectRef<PostalAddress>('PostalAddress').implement({
  fields: (t) => ({
    label: t.exposeString('label'),
    line1: t.exposeString('line1'),
    line2: t.exposeString('line2', { nullable: true }),
    city: t.exposeString('city'),
    region: t.exposeString('region', { nullable: true }),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2 code.' }),
  }),
})

export const ContactRef = builder.objectRef<ContactRow>('Contact')
export const ContactConnection = connectionOf(ContactRef, 'Contact')

builder.node(ContactRef, {
  description: 'A person the business sells to: a client or a prospect. Owned by its sales rep.',
  id: { resolve: (contact) => contact.id },
  fields: (t) => ({
    type: t.field({ type: ContactType, resolve: (contact) => contact.type }),
    firstName: t.exposeString('first_name'),
    lastName: t.exposeString('last_name'),
    name: t.string({
      description: 'First and last name together.',
      resolve: (contact) => [contact.first_name, contact.last_name].filter(Boolean).join(' '),
    }),
    company: t.exposeString('company', { nullable: true }),
    title: t.exposeString('title', { nullable: true }),
    emails: t.field({ type: [ContactPointRef], resolve: (contact) => contact.emails }),
    phones: t.field({ type: [ContactPointRef], resolve: (contact) => contact.phones }),
    addresses: t.field({ type: [PostalAddressRef], resolve: (contact) => contact.addresses }),
    owner: ownerField(t, "The contact's owner (its sales rep, or the API member that created it): what MINE and MY filter on."),
    ...recordFields(t),
  }),
})

const ContactFilter = builder.inputType('ContactFilter', {
  fields: (t) => ({
    ...listFilterFields(t),
    type: t.field({ type: ContactType, required: false, description: 'Only clients, or only prospects.' }),
  }),
})

defineRootFields({
  resource: contactsResource,
  list: 'contacts',
  lookup: 'contact',
  nodeRef: ContactRef,
  connection: ContactConnection,
  filter: ContactFilter,
  columnFilters: { type: 'type' },
  description: 'Contacts the caller may see.',
})
