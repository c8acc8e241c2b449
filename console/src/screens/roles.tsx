/**
 * Security roles: the list, a new role, editing a role's name and matrix, deleting one (refused
 * while it is held, with the server's reason), the built-in Admin role read-only.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ConsoleRolesQuery } from '../gql/graphql.js'
import { CreateRole, DeleteRole, Roles, UpdateRole } from '../operations/roles.js'
import { ErrorBox, Field, Notice, useAction, useQuery } from '../ui.js'
import { type Matrix, RoleMatrix, matrixOf, permissionsOf } from './role-matrix.js'

type Role = NonNullable<ConsoleRolesQuery['securityRoles']>['nodes'][number]
/** What the editor shows: a new role, or an existing one. */
type Editing = { role: Role | null; name: string; matrix: Matrix }

export function RolesScreen() {
  const list = useQuery(() => request(Roles, {}))
  const save = useAction()
  const remove = useAction()
  const [editing, setEditing] = useState<Editing | null>(null)
  const [done, setDone] = useState<string | null>(null)

  const open = (role: Role | null) => {
    save.clear()
    setDone(null)
    setEditing({ role, name: role?.name ?? '', matrix: matrixOf(role?.permissions ?? []) })
  }
  const submit = (event: Event) => {
    event.preventDefault()
    if (!editing) return
    const permissions = permissionsOf(editing.matrix)
    void save.run(async () => {
      if (editing.role) await request(UpdateRole, { input: { id: editing.role.id, name: editing.name, permissions } })
      else await request(CreateRole, { input: { name: editing.name, permissions } })
      setDone(`Role “${editing.name}” ${editing.role ? 'saved' : 'created'}.`)
      setEditing(null)
      list.reload()
    })
  }
  const destroy = (role: Role) =>
    void remove.run(async () => {
      await request(DeleteRole, { input: { id: role.id } })
      setDone(`Role “${role.name}” deleted.`)
      if (editing?.role?.id === role.id) setEditing(null)
      list.reload()
    })

  return (
    <>
      <button type="button" class="primary" onClick={() => open(null)}>
        New role
      </button>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error ?? remove.error} />
      <table class="roles">
        <thead>
          <tr>
            <th>Name</th><th>Held by</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.securityRoles?.nodes ?? []).map((role) => (
            <tr key={role.id} data-role={role.name}>
              <td>
                {role.name} {role.builtin && <span class="badge">built-in</span>}
              </td>
              <td>{role.memberCount ?? 0}</td>
              <td class="actions">
                <button type="button" onClick={() => open(role)}>{role.builtin ? 'View' : 'Edit'}</button>
                {!role.builtin && (
                  <button type="button" class="danger" disabled={remove.busy} onClick={() => (remove.clear(), destroy(role))}>Delete</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <form class="role-editor" onSubmit={submit} aria-label={editing.role ? `Role ${editing.role.name}` : 'New role'}>
          <h2>{editing.role ? (editing.role.builtin ? editing.role.name : `Edit ${editing.role.name}`) : 'New role'}</h2>
          {editing.role?.builtin && <p class="muted">The built-in Admin role grants All everywhere; it cannot be changed or deleted.</p>}
          <Field label="Role name">
            <input name="name" required maxLength={100} value={editing.name} disabled={editing.role?.builtin}
              onInput={(event) => setEditing({ ...editing, name: event.currentTarget.value })} />
          </Field>
          <RoleMatrix matrix={editing.matrix} readOnly={editing.role?.builtin} onChange={(matrix) => setEditing({ ...editing, matrix })} />
          <ErrorBox error={save.error} />
          <div class="buttons">
            <button type="button" onClick={() => setEditing(null)}>{editing.role?.builtin ? 'Close' : 'Cancel'}</button>
            {!editing.role?.builtin && <button type="submit" class="primary" disabled={save.busy}>{editing.role ? 'Save role' : 'Create role'}</button>}
          </div>
        </form>
      )}
    </>
  )
}
