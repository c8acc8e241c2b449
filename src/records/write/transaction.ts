import type { Kysely, Transaction } from 'kysely'
import type { Principal } from '../../access/principal.js'
import type { Context } from '../../context.js'
import type { Database } from '../../db/types.js'
import { badInput, conflict, isGatehouseError, unauthenticated } from '../../graphql/errors.js'

/** The caller of a mutation; every write needs one. */
export function requirePrincipal(context: Context): Principal {
  if (!context.principal) throw unauthenticated()
  return context.principal
}

/**
 * Runs one mutation as one transaction: everything it writes lands together or not at all. A
 * constraint the checks before it missed (a race) comes back as a contract error, not a 500.
 * Inside, use only `trx`: on the embedded database `context.db` would wait for this very
 * transaction.
 */
export async function inTransaction<T>(context: Context, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  try {
    return await (context.db as Kysely<Database>).transaction().execute(work)
  } catch (error) {
    if (isGatehouseError(error)) throw error
    const code = (error as { code?: string }).code
    if (code === '23505') throw conflict('The write conflicts with a record written meanwhile; read it again and retry.')
    if (code === '23514' || code === '22003' || code === '22001') throw badInput('A value is out of range.')
    throw error
  }
}
