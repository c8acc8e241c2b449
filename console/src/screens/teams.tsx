/** Teams (what MY permissions reach): the list and a new team. */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import { CreateTeam, Teams } from '../operations/people.js'
import { ErrorBox, Field, Notice, formValues, formatTime, useAction, useQuery } from '../ui.js'

export function TeamsScreen() {
  const list = useQuery(() => request(Teams, {}))
  const create = useAction()
  const [done, setDone] = useState<string | null>(null)
  const submit = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement
    const { name = '' } = formValues(event)
    void create.run(async () => {
      const { createTeam } = await request(CreateTeam, { input: { name } })
      form.reset()
      setDone(`Team “${createTeam.name}” created.`)
      list.reload()
    })
  }
  return (
    <>
      <form class="create" onSubmit={submit} aria-label="New team">
        <Field label="Team name">
          <input name="name" required maxLength={100} />
        </Field>
        <button type="submit" class="primary" disabled={create.busy}>Create team</button>
        <ErrorBox error={create.error} />
      </form>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error} />
      <table class="teams">
        <thead>
          <tr>
            <th>Name</th><th>Created</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.teams?.nodes ?? []).map((team) => (
            <tr key={team.id}>
              <td>{team.name}</td>
              <td>{formatTime(team.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
