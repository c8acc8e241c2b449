/**
 * The working pair's description and allowed addresses (updateApiKeys: both keys alike, from the
 * next request). An empty address list lifts the restriction.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import { UpdateKeys } from '../operations/keys.js'
import { ErrorBox, Field, Notice, formValues, useAction } from '../ui.js'
import type { HeldKey } from './api-keys.js'
import { type Holder, ownerInput } from './key-panel.js'

export function KeySettings({ holder, keys, onChanged }: { holder: Holder; keys: HeldKey[]; onChanged: () => void }) {
  const save = useAction()
  const [saved, setSaved] = useState(false)
  // The newest key carries the pair's current settings (older ones may be in a grace period).
  const current = keys[keys.length - 1]
  if (!current) return null
  const submit = (event: Event) => {
    const { description = '', allowedNetworks = '' } = formValues(event)
    setSaved(false)
    void save.run(async () => {
      await request(UpdateKeys, {
        input: { ...ownerInput(holder), description, allowedNetworks: allowedNetworks.split(/[\s,]+/).filter(Boolean) },
      })
      setSaved(true)
      onChanged()
    })
  }
  return (
    <details class="key-settings">
      <summary>Key settings</summary>
      <form class="inline" onSubmit={submit} aria-label="Key settings">
        <Field label="Description">
          <input name="description" required maxLength={500} defaultValue={current.description} />
        </Field>
        <Field label="Allowed addresses (CIDR, comma separated; empty: any)">
          <input name="allowedNetworks" size={40} defaultValue={current.allowedNetworks.join(', ')} />
        </Field>
        <button type="submit" disabled={save.busy}>
          Save settings
        </button>
      </form>
      {saved && <Notice>Key settings saved: both keys use them from the next request.</Notice>}
      <ErrorBox error={save.error} />
    </details>
  )
}
