import { canAdminister } from '../access/principal.js'
import type { NodeSource } from '../records/module.js'
import { loadAuditEvents } from './audit/audit-events.repository.js'
import { loadPrincipals } from './common/principals.repository.js'
import { loadApiKeys } from './keys/api-keys.repository.js'
import { loadRoles } from './roles/roles.repository.js'
import { loadTeams } from './teams/teams.repository.js'

/**
 * The admin Node types as `node(id)` / `nodes(ids)` reach them, so an admin console can refetch
 * any object by the id it was given (Relay's refetch). Admin types are for admins: to anyone else
 * a lookup of one is FORBIDDEN, as the admin lists are.
 */

const byId = <T extends { id: string }>(rows: ReadonlyArray<T | undefined>) =>
  new Map(rows.filter((row): row is T => row !== undefined).map((row) => [row.id, row]))

const adminSource = (typeName: string, load: NodeSource['load']): NodeSource => ({ typeName, readable: canAdminister, load })

export const adminNodeSources: readonly NodeSource[] = [
  adminSource('User', ({ db, principal }, ids) => loadPrincipals(db, principal, 'USER', ids)),
  adminSource('ApiMember', ({ db, principal }, ids) => loadPrincipals(db, principal, 'API_MEMBER', ids)),
  adminSource('ApiKey', ({ db, principal }, ids) => loadApiKeys(db, principal, ids)),
  adminSource('SecurityRole', async ({ db, principal }, ids) => byId(await loadRoles(db, principal, ids))),
  adminSource('Team', async ({ db, principal }, ids) => byId(await loadTeams(db, principal, ids))),
  adminSource('AuditEvent', ({ db, principal }, ids) => loadAuditEvents(db, principal, ids)),
]
