/**
 * The API page's webhooks: the business's endpoints (URL, events, the API member whose role decides
 * what each may hear of, status, why Gatehouse disabled one); create one (its `whsec_` secret shown
 * once, with a copy button), enable or disable it, rotate its secret (the new one shown once; the
 * old one keeps signing for a day), delete it, and open its deliveries (webhook-deliveries.tsx).
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ConsoleWebhookEndpointsQuery } from '../gql/graphql.js'
import {
  CreateWebhookEndpoint, DeleteWebhookEndpoint, RotateWebhookSecret, UpdateWebhookEndpoint, WebhookEndpoints,
} from '../operations/webhooks.js'
import { CopyButton, Dialog, ErrorBox, Field, Notice, formValues, formatTime, useAction, useQuery } from '../ui.js'
import { WebhookDeliveries } from './webhook-deliveries.js'

type Endpoint = NonNullable<ConsoleWebhookEndpointsQuery['webhookEndpoints']>['nodes'][number]
interface Revealed {
  url: string
  secret: string
  message: string
}

export function WebhooksScreen({ param }: { param: string | null }) {
  const list = useQuery(() => request(WebhookEndpoints, {}))
  const create = useAction()
  const change = useAction()
  const [revealed, setRevealed] = useState<Revealed | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [deleting, setDeleting] = useState<Endpoint | null>(null)
  const [open, setOpen] = useState<string | null>(param)
  const members = (list.data?.apiMembers?.nodes ?? []).filter((member) => member.active)

  const submitNew = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement
    const events = [...new FormData(form).getAll('events')].map(String)
    const { url = '', description = '', memberId = '' } = formValues(event)
    void create.run(async () => {
      const { createWebhookEndpoint: created } = await request(CreateWebhookEndpoint, { input: { url, description, memberId, events } })
      form.reset()
      setDone(null)
      setRevealed({ url: created.endpoint.url, secret: created.secret, message: `Endpoint ${created.endpoint.url} created.` })
      list.reload()
    })
  }
  const act = (action: () => Promise<string>) =>
    void change.run(async () => {
      setDone(await action())
      list.reload()
    })
  const setActive = (endpoint: Endpoint, active: boolean) =>
    act(async () => {
      await request(UpdateWebhookEndpoint, { input: { id: endpoint.id, active } })
      return active
        ? `Endpoint ${endpoint.url} enabled: its waiting deliveries go out now.`
        : `Endpoint ${endpoint.url} disabled: nothing is sent to it; queued deliveries wait, and no new events are queued for it.`
    })
  const rotate = (endpoint: Endpoint) =>
    void change.run(async () => {
      const { rotateWebhookSecret: rotated } = await request(RotateWebhookSecret, { input: { id: endpoint.id } })
      setDone(null)
      setRevealed({
        url: rotated.endpoint.url,
        secret: rotated.secret,
        message: `New secret for ${rotated.endpoint.url}. The old one keeps signing beside it until ${formatTime(rotated.endpoint.previousSecretExpiresAt)}.`,
      })
      list.reload()
    })
  const remove = (endpoint: Endpoint) =>
    act(async () => {
      await request(DeleteWebhookEndpoint, { input: { id: endpoint.id } })
      setDeleting(null)
      if (open === endpoint.id) setOpen(null)
      return `Endpoint ${endpoint.url} deleted, with its pending deliveries.`
    })

  return (
    <>
      <form class="create" onSubmit={submitNew} aria-label="New webhook endpoint">
        <h2>New webhook endpoint</h2>
        <Field label="URL">
          <input name="url" type="url" required maxLength={2000} placeholder="https://partner.example/webhooks" />
        </Field>
        <Field label="Description">
          <input name="description" maxLength={500} />
        </Field>
        <Field label="API member">
          <select name="memberId" required>
            {members.map((member) => <option key={member.id} value={member.id}>{member.name}</option>)}
          </select>
        </Field>
        <fieldset class="events">
          <legend>Events</legend>
          {(list.data?.webhookEventTypes ?? []).map((type) => (
            <label key={type} class="choice">
              <input type="checkbox" name="events" value={type} /> {type}
            </label>
          ))}
        </fieldset>
        <button type="submit" class="primary" disabled={create.busy || members.length === 0}>
          Create endpoint
        </button>
        {list.data && members.length === 0 && <p class="muted">An endpoint needs an active API member: create one on the API Members page.</p>}
        <ErrorBox error={create.error} />
      </form>
      {revealed && (
        <div class="revealed" aria-label="Signing secret">
          <Notice>{revealed.message}</Notice>
          <p class="warning">Copy the signing secret now: it is shown this once and cannot be shown again.</p>
          <div class="secret">
            <span class="label">Signing secret</span>
            <code class="key">{revealed.secret}</code>
            <CopyButton text={revealed.secret} label="Copy signing secret" />
          </div>
          <button type="button" onClick={() => setRevealed(null)}>Hide secret</button>
        </div>
      )}
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error ?? change.error} />
      <table class="webhooks">
        <thead>
          <tr>
            <th>URL</th><th>Events</th><th>API member</th><th>Status</th><th>Created</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.webhookEndpoints?.nodes ?? []).map((endpoint) => (
            <tr key={endpoint.id} data-endpoint={endpoint.url}>
              <td>{endpoint.url}{endpoint.description && <div class="muted">{endpoint.description}</div>}</td>
              <td>{endpoint.events.join(', ')}</td>
              <td>{endpoint.member?.name ?? '—'}</td>
              <td>{statusOf(endpoint)}</td>
              <td>{formatTime(endpoint.createdAt)}</td>
              <td class="actions">
                <button type="button" disabled={change.busy} onClick={() => setActive(endpoint, !endpoint.active)}>
                  {endpoint.active ? 'Disable' : 'Enable'}
                </button>
                <button type="button" disabled={change.busy} onClick={() => rotate(endpoint)}>Rotate secret</button>
                <button type="button" aria-expanded={open === endpoint.id} onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}>
                  Deliveries
                </button>
                <button type="button" class="danger" onClick={() => setDeleting(endpoint)}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.webhookEndpoints?.nodes.length === 0 && <p class="muted">No webhook endpoints yet: create one above.</p>}
      {open && <WebhookDeliveries key={open} endpointId={open} url={list.data?.webhookEndpoints?.nodes.find((e) => e.id === open)?.url ?? ''} />}
      {deleting && (
        <Dialog title="Delete webhook endpoint?" onCancel={() => setDeleting(null)}>
          <p>{deleting.url}</p>
          <p class="warning">Its pending deliveries are deleted with it; nothing more is sent there.</p>
          <div class="buttons">
            <button type="button" class="danger" disabled={change.busy} onClick={() => remove(deleting)}>Delete</button>
            <button type="button" onClick={() => setDeleting(null)}>Cancel</button>
          </div>
        </Dialog>
      )}
    </>
  )
}

function statusOf(endpoint: Endpoint): string {
  if (endpoint.active) return endpoint.failingSince ? `Active, failing since ${formatTime(endpoint.failingSince)}` : 'Active'
  if (endpoint.disabledAt) return `Disabled by Gatehouse ${formatTime(endpoint.disabledAt)}: ${endpoint.disabledReason ?? ''}`
  return 'Disabled'
}
