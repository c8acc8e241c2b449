/**
 * Users (people who sign in): list, create with a first password (sent once, never kept), edit
 * name, role and team, deactivate (their sessions and keys stop at once) and activate again.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { UpdateUserInput } from '../gql/graphql.js'
import { CreateUser, UpdateUser, Users } from '../operations/people.js'
import { ErrorBox, Field, Notice, formValues, formatTime, useAction, useQuery } from '../ui.js'
import { RoleSelect, TeamSelect } from './choices.js'

export function UsersScreen() {
  const list = useQuery(() => request(Users, {}))
  const create = useAction()
  const change = useAction()
  const [editing, setEditing] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const roles = list.data?.securityRoles?.nodes ?? []
  const teams = list.data?.teams?.nodes ?? []

  const submitNew = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement
    const { email = '', name = '', password = '', roleId = '', teamId = '' } = formValues(event)
    void create.run(async () => {
      const { createUser } = await request(CreateUser, { input: { email, name, password, roleId, teamId: teamId || null } })
      form.reset()
      setDone(`User ${createUser.email} created.`)
      list.reload()
    })
  }
  const update = (input: UpdateUserInput, message: string) =>
    void change.run(async () => {
      await request(UpdateUser, { input })
      setEditing(null)
      setDone(message)
      list.reload()
    })

  return (
    <>
      <form class="create" onSubmit={submitNew} aria-label="New user">
        <h2>New user</h2>
        <Field label="Email">
          <input name="email" type="email" required autoComplete="off" />
        </Field>
        <Field label="Name">
          <input name="name" required />
        </Field>
        <Field label="First password">
          <input name="password" type="password" required autoComplete="new-password" />
        </Field>
        <RoleSelect roles={roles} />
        <TeamSelect teams={teams} />
        <button type="submit" class="primary" disabled={create.busy}>Create user</button>
        <ErrorBox error={create.error} />
      </form>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error ?? change.error} />
      <table class="users">
        <thead>
          <tr>
            <th>Email</th><th>Name</th><th>Role</th><th>Team</th><th>Status</th><th>Created</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.users?.nodes ?? []).map((user) =>
            editing === user.id ? (
              <tr key={user.id} class="editing">
                <td colSpan={7}>
                  <form class="inline" aria-label={`Edit ${user.email}`}
                    onSubmit={(event) => {
                      const { name = '', roleId = '', teamId = '' } = formValues(event)
                      update({ id: user.id, name, roleId, teamId: teamId || null }, `User ${user.email} saved.`)
                    }}>
                    <Field label="Name">
                      <input name="name" required defaultValue={user.name} />
                    </Field>
                    <RoleSelect roles={roles} value={user.role.id} />
                    <TeamSelect teams={teams} value={user.team?.id} />
                    <button type="submit" class="primary" disabled={change.busy}>Save</button>
                    <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                  </form>
                </td>
              </tr>
            ) : (
              <tr key={user.id} data-user={user.email}>
                <td>{user.email}</td>
                <td>{user.name}</td>
                <td>{user.role.name}</td>
                <td>{user.team?.name ?? '—'}</td>
                <td>{user.active ? 'Active' : 'Inactive'}</td>
                <td>{formatTime(user.createdAt)}</td>
                <td class="actions">
                  <button type="button" onClick={() => setEditing(user.id)}>Edit</button>
                  <button type="button"
                    onClick={() => update({ id: user.id, active: !user.active }, user.active ? `User ${user.email} deactivated: their sessions and keys stop at once.` : `User ${user.email} activated.`)}>
                    {user.active ? 'Deactivate' : 'Activate'}
                  </button>
                  <a href={`#/api/${encodeURIComponent(user.id)}`}>Keys</a>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  )
}
