import { graphql } from '../gql/index.js'

export const Roles = graphql(`
  query ConsoleRoles {
    securityRoles(first: 100) {
      nodes { id name builtin memberCount permissions { module operation level } }
    }
  }
`)

export const CreateRole = graphql(`
  mutation ConsoleCreateRole($input: CreateSecurityRoleInput!) {
    createSecurityRole(input: $input) { id name }
  }
`)

export const UpdateRole = graphql(`
  mutation ConsoleUpdateRole($input: UpdateSecurityRoleInput!) {
    updateSecurityRole(input: $input) { id name }
  }
`)

export const DeleteRole = graphql(`
  mutation ConsoleDeleteRole($input: DeleteSecurityRoleInput!) {
    deleteSecurityRole(input: $input) { id name }
  }
`)
