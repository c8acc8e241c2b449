/** Role and team pickers shared by the member and user forms. */
import { Field } from '../ui.js'

export interface Named {
  id: string
  name: string
}

export function RoleSelect({ roles, value }: { roles: Named[]; value?: string }) {
  return (
    <Field label="Security role">
      <select name="roleId" required>
        <option value="" disabled selected={!value}>
          Choose a role
        </option>
        {roles.map((role) => (
          <option key={role.id} value={role.id} selected={role.id === value}>
            {role.name}
          </option>
        ))}
      </select>
    </Field>
  )
}

export function TeamSelect({ teams, value }: { teams: Named[]; value?: string | null }) {
  return (
    <Field label="Team">
      <select name="teamId">
        <option value="" selected={!value}>
          No team
        </option>
        {teams.map((team) => (
          <option key={team.id} value={team.id} selected={team.id === value}>
            {team.name}
          </option>
        ))}
      </select>
    </Field>
  )
}
