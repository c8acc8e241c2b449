import { graphql } from '../gql/index.js'

export const Members = graphql(`
  query ConsoleMembers {
    apiMembers(first: 100) {
      totalCount
      nodes { id name description active createdAt role { id name } team { id name } }
    }
    securityRoles(first: 100) { nodes { id name builtin } }
    teams(first: 100) { nodes { id name } }
  }
`)

export const CreateMember = graphql(`
  mutation ConsoleCreateMember($input: CreateApiMemberInput!) {
    createApiMember(input: $input) { id name }
  }
`)

export const UpdateMember = graphql(`
  mutation ConsoleUpdateMember($input: UpdateApiMemberInput!) {
    updateApiMember(input: $input) { id name active }
  }
`)
