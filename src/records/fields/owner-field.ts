import { builder } from '../../graphql/builder.js'
import { encodeGlobalId } from '../../graphql/global-id.js'
import { PrincipalKindEnum, principalTypeName } from '../../graphql/principal-summary.js'
import { OWNER_KEY, type OwnerRow } from '../read/owner.js'

/**
 * `owner` on records that have one: who MINE and MY are decided by. Read in the record's own
 * statement (records/read/owner.ts), so it costs no extra query.
 */

const OwnerTeamRef = builder.objectRef<{ id: string; name: string }>('RecordOwnerTeam').implement({
  description: "The owner's team: MY reaches the records of everyone in it.",
  fields: (t) => ({
    id: t.id({ description: 'The global id of the Team.', resolve: (team) => encodeGlobalId('Team', team.id) }),
    name: t.exposeString('name'),
  }),
})

const RecordOwnerRef = builder.objectRef<OwnerRow>('RecordOwner').implement({
  description: 'The user or API member a record belongs to, with its team.',
  fields: (t) => ({
    id: t.id({ description: 'The global id of the User or ApiMember.', resolve: (owner) => encodeGlobalId(principalTypeName(owner.kind), owner.id) }),
    kind: t.field({ type: PrincipalKindEnum, resolve: (owner) => owner.kind }),
    name: t.exposeString('name'),
    team: t.field({
      type: OwnerTeamRef,
      nullable: true,
      resolve: (owner) => (owner.team_id && owner.team_name !== null ? { id: owner.team_id, name: owner.team_name } : null),
    }),
  }),
})

/** The `owner` field; `description` says where the owner comes from for this type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ownerField(t: any, description: string) {
  return t.field({
    type: RecordOwnerRef,
    nullable: true,
    description,
    resolve: (row: Record<string, unknown>) => (row[OWNER_KEY] as OwnerRow | null | undefined) ?? null,
  })
}
