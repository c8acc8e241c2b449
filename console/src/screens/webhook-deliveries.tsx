/**
 * One endpoint's latest deliveries, newest first: event, record, status, attempts, the last
 * response code and latency, the next retry, the last error, and every attempt on demand; Redeliver
 * queues one again with the same `webhook-id`.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import { RedeliverWebhook, WebhookDeliveries as Deliveries } from '../operations/webhooks.js'
import { ErrorBox, Notice, formatTime, useAction, useQuery } from '../ui.js'

export function WebhookDeliveries({ endpointId, url }: { endpointId: string; url: string }) {
  const list = useQuery(() => request(Deliveries, { id: endpointId }))
  const redeliver = useAction()
  const [done, setDone] = useState<string | null>(null)
  const node = list.data?.node
  const deliveries = node && 'deliveries' in node ? [...node.deliveries.nodes].reverse() : []

  const again = (id: string, eventType: string) =>
    void redeliver.run(async () => {
      await request(RedeliverWebhook, { input: { deliveryId: id } })
      setDone(`${eventType} queued again with the same webhook-id.`)
      list.reload()
    })

  return (
    <section class="deliveries" aria-label="Deliveries">
      <h2>Deliveries to {url}</h2>
      <button type="button" onClick={list.reload}>Refresh</button>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error ?? redeliver.error} />
      <table>
        <thead>
          <tr>
            <th>Event</th><th>Record</th><th>Status</th><th>Attempts</th><th>Response</th><th>Latency</th><th>Next retry</th><th>Error</th><th />
          </tr>
        </thead>
        <tbody>
          {deliveries.map((delivery) => (
            <tr key={delivery.id} data-delivery={delivery.messageId} data-status={delivery.status}>
              <td>{delivery.eventType}</td>
              <td><code>{delivery.recordId}</code> v{delivery.version}</td>
              <td>{delivery.status}</td>
              <td>
                <details>
                  <summary>{delivery.attemptCount}</summary>
                  <ol>
                    {delivery.attempts.map((attempt) => (
                      <li key={attempt.attempt}>
                        {formatTime(attempt.attemptedAt)}: {attempt.responseStatus ?? 'no answer'}, {attempt.latencyMs} ms{attempt.error ? `, ${attempt.error}` : ''}
                      </li>
                    ))}
                  </ol>
                </details>
              </td>
              <td>{delivery.lastResponseStatus ?? '—'}</td>
              <td>{delivery.lastLatencyMs === null || delivery.lastLatencyMs === undefined ? '—' : `${delivery.lastLatencyMs} ms`}</td>
              <td>{formatTime(delivery.nextAttemptAt)}</td>
              <td>{delivery.lastError ?? ''}</td>
              <td class="actions">
                <button type="button" disabled={redeliver.busy} onClick={() => again(delivery.id, delivery.eventType)}>Redeliver</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data && deliveries.length === 0 && <p class="muted">Nothing sent to this endpoint yet.</p>}
    </section>
  )
}
