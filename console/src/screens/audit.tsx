/** The audit log, newest first, filtered by action and by a start time; older pages on demand. */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { AuditEventFilter, ConsoleAuditLogQuery } from '../gql/graphql.js'
import { AuditLog } from '../operations/audit.js'
import { ErrorBox, Field, formValues, formatTime, useAction, useQuery } from '../ui.js'

type Event = NonNullable<ConsoleAuditLogQuery['auditEvents']>['nodes'][number]
const ACTIONS = [
  'auth.sign_in', 'auth.sign_in_failed', 'auth.sign_in_locked', 'auth.sign_in_unlocked', 'auth.sign_out',
  'api_keys.generate', 'api_keys.regenerate', 'api_keys.revoke', 'api_keys.update', 'api_keys.network_refused',
  'member.create', 'member.update', 'role.create', 'role.update', 'role.delete', 'team.create',
  'user.create', 'user.update', 'user.password_change', 'user.password_reset',
]

export function AuditScreen() {
  const [filter, setFilter] = useState<AuditEventFilter>({})
  const first = useQuery(() => request(AuditLog, { filter }))
  const more = useAction()
  const [older, setOlder] = useState<{ events: Event[]; endCursor: string | null; hasNextPage: boolean } | null>(null)

  const apply = (event: SubmitEvent) => {
    const { action = '', since = '' } = formValues(event)
    setOlder(null)
    setFilter({ action: action || null, since: since ? new Date(since).toISOString() : null })
    first.reload()
  }
  const page = first.data?.auditEvents
  const events = [...(page?.nodes ?? []), ...(older?.events ?? [])]
  const pageInfo = older ?? page?.pageInfo
  const loadOlder = () =>
    void more.run(async () => {
      const next = (await request(AuditLog, { filter, after: pageInfo?.endCursor ?? null })).auditEvents
      setOlder({ events: [...(older?.events ?? []), ...(next?.nodes ?? [])], endCursor: next?.pageInfo.endCursor ?? null, hasNextPage: next?.pageInfo.hasNextPage ?? false })
    })

  return (
    <>
      <form class="filters" onSubmit={apply} aria-label="Filter the audit log">
        <Field label="Action">
          <input name="action" list="audit-actions" placeholder="any, e.g. role.update" />
          <datalist id="audit-actions">
            {ACTIONS.map((action) => <option key={action} value={action} />)}
          </datalist>
        </Field>
        <Field label="Since">
          <input name="since" type="datetime-local" />
        </Field>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorBox error={first.error ?? more.error} />
      <table class="audit">
        <thead>
          <tr>
            <th>When</th><th>Action</th><th>Actor</th><th>Credential</th><th>Target</th><th>Address</th><th>Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id} data-action={event.action}>
              <td>{formatTime(event.occurredAt)}</td>
              <td><code>{event.action}</code></td>
              <td>{event.actor?.name ?? '—'}</td>
              <td>{event.credential ?? '—'}</td>
              <td>{event.targetType ? `${event.targetType} ${event.targetId ?? ''}` : '—'}</td>
              <td>{event.clientAddress ?? '—'}</td>
              <td><code class="details">{JSON.stringify(event.details)}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length === 0 && first.data && <p>No events match.</p>}
      {pageInfo?.hasNextPage && <button type="button" disabled={more.busy} onClick={loadOlder}>Older events</button>}
    </>
  )
}
