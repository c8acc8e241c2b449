/**
 * Syncore's "Regenerate API Key?" window: the warning, an "I agree" box that must be ticked before
 * Regenerate enables, Cancel, and here also the slot and a grace period. With a grace period the
 * warning says when the old key stops, instead of "at once".
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ApiKeySlotChoice } from '../gql/graphql.js'
import { RegenerateKeys } from '../operations/keys.js'
import { Dialog, ErrorBox, Field, duration, formatTime, useAction } from '../ui.js'
import { type Holder, type IssuedKey, ownerInput } from './key-panel.js'

/** The server's own words (CONFIRMATION_REQUIRED carries them too). */
export const REGENERATE_WARNING = 'This cannot be undone. Regenerating this API Key will remove any API access using the old key.'
const GRACE_CHOICES = [0, 3_600, 86_400, 604_800]
const SLOTS: Array<[ApiKeySlotChoice, string]> = [
  ['PRIMARY', 'Primary key'],
  ['SECONDARY', 'Secondary key'],
  ['BOTH', 'Both keys'],
]

export function RegenerateDialog(props: {
  holder: Holder
  slot: ApiKeySlotChoice
  onCancel: () => void
  onDone: (done: { message: string; keys: IssuedKey[] }) => void
}) {
  const [slot, setSlot] = useState(props.slot)
  const [grace, setGrace] = useState(0)
  const [agreed, setAgreed] = useState(false)
  const action = useAction()
  const stopsAt = new Date(Date.now() + grace * 1000).toISOString()
  const old = slot === 'BOTH' ? 'the old keys stop' : 'the old key stops'

  const regenerate = () =>
    void action.run(async () => {
      const { regenerateApiKeys: done } = await request(RegenerateKeys, {
        input: { ...ownerInput(props.holder), slot, confirm: true, graceSeconds: grace },
      })
      props.onDone({ message: done.message, keys: [done.primary, done.secondary].filter((key): key is IssuedKey => key != null) })
    })

  return (
    <Dialog title="Regenerate API Key?" onCancel={props.onCancel}>
      <p class="muted">{props.holder.name}</p>
      <fieldset>
        <legend>Regenerate</legend>
        {SLOTS.map(([value, label]) => (
          <label key={value} class="choice">
            <input type="radio" name="slot" value={value} checked={slot === value} onChange={() => setSlot(value)} /> {label}
          </label>
        ))}
      </fieldset>
      <Field label="Grace period">
        <select name="grace" value={String(grace)} onChange={(event) => setGrace(Number(event.currentTarget.value))}>
          {GRACE_CHOICES.map((seconds) => (
            <option key={seconds} value={String(seconds)}>
              {seconds === 0 ? 'None: the old key stops at once' : `${duration(seconds)}: the old key keeps working until then`}
            </option>
          ))}
        </select>
      </Field>
      <p class="warning" role="note" data-testid="regenerate-warning">
        {REGENERATE_WARNING}{' '}
        {grace === 0 ? `With no grace period ${old} at once.` : `With this grace period ${old} at ${formatTime(stopsAt)} (in ${duration(grace)}).`}
      </p>
      <label class="choice agree">
        <input type="checkbox" name="agree" checked={agreed} onChange={(event) => setAgreed(event.currentTarget.checked)} /> I agree
      </label>
      <ErrorBox error={action.error} />
      <div class="buttons">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={!agreed || action.busy} onClick={regenerate}>
          Regenerate
        </button>
      </div>
    </Dialog>
  )
}
