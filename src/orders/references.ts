import type { Kysely } from 'kysely'
import type { Principal } from '../access/principal.js'
import { contactsResource } from '../crm/contacts/contacts.resource.js'
import type { Database } from '../db/types.js'
import { badInput } from '../graphql/errors.js'
import { resolveReference } from '../records/write/guards.js'

/**
 * The client of a job or sales order: a contact of the caller's business that the caller can read
 * (else NOT_FOUND naming the field) and that is a CLIENT, not a PROSPECT (else BAD_USER_INPUT:
 * convert the prospect first). Returns the contact's database id.
 */
export async function resolveClient(
  trx: Kysely<Database>,
  principal: Principal,
  globalId: string,
  field: string,
): Promise<string> {
  const contact = await resolveReference(trx, principal, contactsResource, globalId, field)
  if (contact.type !== 'CLIENT') {
    throw badInput('This contact is a prospect: convert it into a client (convertProspectToClient) first.', field)
  }
  return String(contact.id)
}
