/**
 * One holder's keys: the generate form when it has none, the keys just issued (shown once), the
 * masked listing with Regenerate and Revoke.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ApiKeySlot, ApiKeySlotChoice, ConsoleGenerateKeysMutation } from '../gql/graphql.js'
import { GenerateKeys, RevokeKey } from '../operations/keys.js'
import { CopyButton, ErrorBox, Field, Notice, formValues, formatTime, useAction } from '../ui.js'
import type { HeldKey } from './api-keys.js'
import { KeySettings } from './key-settings.js'
import { RegenerateDialog } from './regenerate-dialog.js'

export interface Holder {
  id: string
  kind: 'API_MEMBER' | 'USER'
  name: string
  detail: string
  active: boolean
}

export type IssuedKey = ConsoleGenerateKeysMutation['generateApiKeys']['primary']

/** Keys just issued, with the message to show above them; kept only until Hide. */
export interface Revealed {
  holderId: string
  message: string
  keys: IssuedKey[]
}

export const ownerInput = (holder: Holder) => (holder.kind === 'API_MEMBER' ? { memberId: holder.id } : { userId: holder.id })
const SLOT_NAME: Record<ApiKeySlot, string> = { PRIMARY: 'Primary', SECONDARY: 'Secondary' }
const masked = (publicKey: string) => `gk_${publicKey.slice(0, 4)}…`

export function HolderKeys(props: {
  holder: Holder
  keys: HeldKey[]
  revealed: Revealed | null
  onRevealed: (revealed: Revealed | null) => void
  onChanged: () => void
}) {
  const { holder, keys, revealed } = props
  const [dialog, setDialog] = useState<ApiKeySlotChoice | null>(null)
  const generate = useAction()

  const submit = (event: Event) => {
    const { description = '', expiresAt = '', allowedNetworks = '' } = formValues(event)
    const networks = allowedNetworks.split(/[\s,]+/).filter(Boolean)
    void generate.run(async () => {
      const { generateApiKeys } = await request(GenerateKeys, {
        input: {
          ...ownerInput(holder),
          description,
          expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
          allowedNetworks: networks.length > 0 ? networks : null,
        },
      })
      props.onRevealed({ holderId: holder.id, message: 'API Keys generated.', keys: [generateApiKeys.primary, generateApiKeys.secondary] })
      props.onChanged()
    })
  }

  return (
    <section class="panel" aria-label={`Keys of ${holder.name}`}>
      <h2>{holder.name}</h2>
      <p class="muted">
        {holder.kind === 'API_MEMBER' ? 'API member' : 'User'} · {holder.detail}
        {!holder.active && ' · inactive (its keys do not work)'}
      </p>
      {revealed && <RevealedKeys revealed={revealed} onHide={() => props.onRevealed(null)} />}
      {keys.length === 0 ? (
        <form class="generate" onSubmit={submit}>
          <h3>Generate API Key</h3>
          <Field label="Description">
            <input name="description" required maxLength={500} placeholder="What the keys are for" />
          </Field>
          <Field label="Expires (optional)">
            <input name="expiresAt" type="datetime-local" />
          </Field>
          <Field label="Allowed addresses (optional, CIDR, comma separated)">
            <input name="allowedNetworks" placeholder="203.0.113.0/24, 2001:db8::/48" />
          </Field>
          <button type="submit" class="primary" disabled={generate.busy}>
            Generate API Key
          </button>
          <ErrorBox error={generate.error} />
        </form>
      ) : (
        <>
          <KeyTable keys={keys} onRegenerate={setDialog} onChanged={props.onChanged} />
          <button type="button" class="primary" onClick={() => setDialog('BOTH')}>
            Regenerate API Keys
          </button>
          <KeySettings holder={holder} keys={keys} onChanged={props.onChanged} />
        </>
      )}
      {dialog && (
        <RegenerateDialog
          holder={holder}
          slot={dialog}
          onCancel={() => setDialog(null)}
          onDone={(done) => {
            setDialog(null)
            props.onRevealed({ holderId: holder.id, message: done.message, keys: done.keys })
            props.onChanged()
          }}
        />
      )}
    </section>
  )
}

function RevealedKeys({ revealed, onHide }: { revealed: Revealed; onHide: () => void }) {
  return (
    <div class="revealed" aria-label="New API keys">
      <Notice>{revealed.message}</Notice>
      <p class="warning">Copy the keys now: they are shown this once and cannot be shown again.</p>
      {revealed.keys.map((issued) => (
        <div class="secret" key={issued.publicKey} data-slot={issued.slot}>
          <span class="label">{SLOT_NAME[issued.slot]} key</span>
          <code class="key">{issued.key}</code>
          <CopyButton text={issued.key} label={`Copy ${SLOT_NAME[issued.slot]} key`} />
          <details>
            <summary>Public and private key (ConnectWise form)</summary>
            Public key <code>{issued.publicKey}</code> <CopyButton text={issued.publicKey} label={`Copy ${SLOT_NAME[issued.slot]} public key`} />
            <br />
            Private key <code>{issued.privateKey}</code> <CopyButton text={issued.privateKey} label={`Copy ${SLOT_NAME[issued.slot]} private key`} />
          </details>
        </div>
      ))}
      <button type="button" onClick={onHide}>
        Hide API Keys
      </button>
    </div>
  )
}

function KeyTable({ keys, onRegenerate, onChanged }: { keys: HeldKey[]; onRegenerate: (slot: ApiKeySlot) => void; onChanged: () => void }) {
  const revoke = useAction()
  const [confirming, setConfirming] = useState<string | null>(null)
  const now = Date.now()
  return (
    <>
      <table class="keys">
        <thead>
          <tr>
            <th>Slot</th><th>Key</th><th>Public key</th><th>Description</th><th>Created</th><th>Last used</th><th>Expires</th>
            <th>Allowed addresses</th><th>Requests</th><th />
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id} data-public-key={key.publicKey}>
              <td>{SLOT_NAME[key.slot]}</td>
              <td><code>{masked(key.publicKey)}</code></td>
              <td><code>{key.publicKey}</code></td>
              <td>{key.description}</td>
              <td>{formatTime(key.createdAt)}</td>
              <td>{formatTime(key.lastUsedAt)}</td>
              <td>
                {key.revokedAt && Date.parse(key.revokedAt) > now ? <span class="badge">stops {formatTime(key.revokedAt)}</span> : formatTime(key.expiresAt)}
              </td>
              <td>{key.allowedNetworks.length > 0 ? key.allowedNetworks.join(', ') : 'any'}</td>
              <td>{key.usage.reduce((sum, day) => sum + day.requests, 0)}</td>
              <td class="actions">
                {confirming === key.id ? (
                  <>
                    <button type="button" class="danger" disabled={revoke.busy}
                      onClick={() => void revoke.run(async () => (await request(RevokeKey, { input: { id: key.id } }), setConfirming(null), onChanged()))}>
                      Revoke now
                    </button>
                    <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
                  </>
                ) : (
                  <>
                    <button type="button" onClick={() => onRegenerate(key.slot)}>Regenerate</button>
                    <button type="button" onClick={() => setConfirming(key.id)}>Revoke</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorBox error={revoke.error} />
    </>
  )
}
