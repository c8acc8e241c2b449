import type { GatehouseModule } from '../records/module.js'
import { adminNodeSources } from './admin-nodes.js'
import './audit/audit-events.graphql.js'
import './auth/auth.graphql.js'
import './budgets/budgets.graphql.js'
import './keys/api-keys.graphql.js'
import './keys/api-keys-update.graphql.js'
import './keys/api-key-usage.graphql.js'
import './members/members.graphql.js'
import './roles/roles.graphql.js'
import './teams/teams.graphql.js'
import './users/users.graphql.js'
import './viewer/viewer.graphql.js'

/**
 * The admin surface: sign-in, viewer, teams, members, users, roles, keys and the audit log. It uses
 * the record engine like any domain; its node types resolve through their own loaders (admin-nodes.ts).
 */
export const adminModule: GatehouseModule = { name: 'admin', resources: [], nodeSources: adminNodeSources }
