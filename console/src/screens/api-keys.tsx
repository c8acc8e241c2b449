/**
 * Syncore's "API" page, per API member or user: Generate API Key (a Primary and a Secondary key,
 * shown once with copy buttons and a Hide button), then the pair masked for good; Regenerate per
 * slot or both behind the "Regenerate API Key?" dialog; Revoke.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ConsoleKeyHoldersQuery } from '../gql/graphql.js'
import { KeyHolders } from '../operations/keys.js'
import { ErrorBox, useQuery } from '../ui.js'
import { type Holder, type Revealed, HolderKeys } from './key-panel.js'

export type HeldKey = NonNullable<ConsoleKeyHoldersQuery['apiKeys']>['nodes'][number]

function holdersOf(data: ConsoleKeyHoldersQuery): Holder[] {
  const members: Holder[] = (data.apiMembers?.nodes ?? []).map((m) => ({
    id: m.id,
    kind: 'API_MEMBER',
    name: m.name,
    detail: [m.description, m.role.name, m.team?.name].filter(Boolean).join(' · '),
    active: m.active,
  }))
  const users: Holder[] = (data.users?.nodes ?? []).map((u) => ({
    id: u.id,
    kind: 'USER',
    name: u.name,
    detail: [u.email, u.role.name, u.team?.name].filter(Boolean).join(' · '),
    active: u.active,
  }))
  return [...members, ...users]
}

export function ApiKeysScreen({ param }: { param: string | null }) {
  const holders = useQuery(() => request(KeyHolders, {}))
  const [chosen, setChosen] = useState<string | null>(param)
  const [revealed, setRevealed] = useState<Revealed | null>(null)

  if (!holders.data) return <ErrorBox error={holders.error} />
  const all = holdersOf(holders.data)
  const keysOf = (id: string): HeldKey[] => (holders.data?.apiKeys?.nodes ?? []).filter((key) => key.owner.id === id)
  const selected = all.find((holder) => holder.id === chosen) ?? all[0]
  const choose = (id: string) => {
    // Keys are shown once: moving to another holder hides them for good.
    setRevealed(null)
    setChosen(id)
  }

  return (
    <div class="split">
      <section class="holders" aria-label="Members and users">
        <ErrorBox error={holders.error} />
        {(['API_MEMBER', 'USER'] as const).map((kind) => (
          <div key={kind}>
            <h2>{kind === 'API_MEMBER' ? 'API Members' : 'Users'}</h2>
            <ul>
              {all
                .filter((holder) => holder.kind === kind)
                .map((holder) => (
                  <li key={holder.id}>
                    <button type="button" class="holder" aria-pressed={holder.id === selected?.id} onClick={() => choose(holder.id)}>
                      <span class="name">{holder.name}</span>
                      <span class="muted">{keysOf(holder.id).length > 0 ? `${keysOf(holder.id).length} active keys` : 'no keys'}</span>
                    </button>
                  </li>
                ))}
            </ul>
            {!all.some((holder) => holder.kind === kind) && <p class="muted">None yet.</p>}
          </div>
        ))}
      </section>
      {selected ? (
        <HolderKeys
          key={selected.id}
          holder={selected}
          keys={keysOf(selected.id)}
          revealed={revealed?.holderId === selected.id ? revealed : null}
          onRevealed={setRevealed}
          onChanged={holders.reload}
        />
      ) : (
        <p>No API members or users yet: create one on the API Members page.</p>
      )}
    </div>
  )
}
