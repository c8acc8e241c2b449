/**
 * ConnectWise's Setup › Members › API Members: list, create (name, description, role, team), edit,
 * deactivate (its keys stop at once) and activate again.
 */
import { useState } from 'preact/hooks'
import { request } from '../client.js'
import type { ConsoleMembersQuery, UpdateApiMemberInput } from '../gql/graphql.js'
import { CreateMember, Members, UpdateMember } from '../operations/members.js'
import { ErrorBox, Field, Notice, formValues, formatTime, useAction, useQuery } from '../ui.js'
import { RoleSelect, TeamSelect } from './choices.js'

type Member = NonNullable<ConsoleMembersQuery['apiMembers']>['nodes'][number]

export function MembersScreen() {
  const list = useQuery(() => request(Members, {}))
  const create = useAction()
  const change = useAction()
  const [editing, setEditing] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const roles = list.data?.securityRoles?.nodes ?? []
  const teams = list.data?.teams?.nodes ?? []

  const submitNew = (event: Event) => {
    const form = event.currentTarget as HTMLFormElement
    const { name = '', description = '', roleId = '', teamId = '' } = formValues(event)
    void create.run(async () => {
      const { createApiMember } = await request(CreateMember, { input: { name, description, roleId, teamId: teamId || null } })
      form.reset()
      setDone(`API member “${createApiMember.name}” created. Give it keys on the API page.`)
      list.reload()
    })
  }
  const update = (input: UpdateApiMemberInput, message: string) =>
    void change.run(async () => {
      const { updateApiMember } = await request(UpdateMember, { input })
      setEditing(null)
      setDone(message.replace('{name}', updateApiMember.name))
      list.reload()
    })

  return (
    <>
      <form class="create" onSubmit={submitNew} aria-label="New API member">
        <h2>New API member</h2>
        <Field label="Name">
          <input name="name" required maxLength={200} />
        </Field>
        <Field label="Description">
          <input name="description" maxLength={500} />
        </Field>
        <RoleSelect roles={roles} />
        <TeamSelect teams={teams} />
        <button type="submit" class="primary" disabled={create.busy}>
          Create member
        </button>
        <ErrorBox error={create.error} />
      </form>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={list.error ?? change.error} />
      <table class="members">
        <thead>
          <tr>
            <th>Name</th><th>Description</th><th>Role</th><th>Team</th><th>Status</th><th>Created</th><th />
          </tr>
        </thead>
        <tbody>
          {(list.data?.apiMembers?.nodes ?? []).map((member) =>
            editing === member.id ? (
              <EditRow key={member.id} member={member} roles={roles} teams={teams} busy={change.busy} onCancel={() => setEditing(null)}
                onSave={(input) => update({ id: member.id, ...input }, 'API member “{name}” saved.')} />
            ) : (
              <tr key={member.id} data-member={member.name}>
                <td>{member.name}</td>
                <td>{member.description}</td>
                <td>{member.role.name}</td>
                <td>{member.team?.name ?? '—'}</td>
                <td>{member.active ? 'Active' : 'Inactive'}</td>
                <td>{formatTime(member.createdAt)}</td>
                <td class="actions">
                  <button type="button" onClick={() => setEditing(member.id)}>Edit</button>
                  <button type="button" onClick={() => update({ id: member.id, active: !member.active }, member.active ? 'API member “{name}” deactivated: its keys stop at once.' : 'API member “{name}” activated.')}>
                    {member.active ? 'Deactivate' : 'Activate'}
                  </button>
                  <a href={`#/api/${encodeURIComponent(member.id)}`}>Keys</a>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {list.data?.apiMembers?.nodes.length === 0 && <p class="muted">No API members yet: create one above, then give it keys on the API page.</p>}
    </>
  )
}

function EditRow(props: {
  member: Member
  roles: Array<{ id: string; name: string }>
  teams: Array<{ id: string; name: string }>
  busy: boolean
  onCancel: () => void
  onSave: (input: { name: string; description: string; roleId: string; teamId: string | null }) => void
}) {
  const { member } = props
  const submit = (event: Event) => {
    const { name = '', description = '', roleId = '', teamId = '' } = formValues(event)
    props.onSave({ name, description, roleId, teamId: teamId || null })
  }
  return (
    <tr class="editing">
      <td colSpan={7}>
        <form class="inline" onSubmit={submit} aria-label={`Edit ${member.name}`}>
          <Field label="Name">
            <input name="name" required defaultValue={member.name} />
          </Field>
          <Field label="Description">
            <input name="description" defaultValue={member.description} />
          </Field>
          <RoleSelect roles={props.roles} value={member.role.id} />
          <TeamSelect teams={props.teams} value={member.team?.id} />
          <button type="submit" class="primary" disabled={props.busy}>Save</button>
          <button type="button" onClick={props.onCancel}>Cancel</button>
        </form>
      </td>
    </tr>
  )
}
