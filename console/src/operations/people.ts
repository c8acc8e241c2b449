import { graphql } from '../gql/index.js'

export const Users = graphql(`
  query ConsoleUsers {
    users(first: 100) {
      totalCount
      nodes { id email name active createdAt role { id name } team { id name } }
    }
    securityRoles(first: 100) { nodes { id name builtin } }
    teams(first: 100) { nodes { id name } }
  }
`)

export const CreateUser = graphql(`
  mutation ConsoleCreateUser($input: CreateUserInput!) {
    createUser(input: $input) { id email }
  }
`)

export const UpdateUser = graphql(`
  mutation ConsoleUpdateUser($input: UpdateUserInput!) {
    updateUser(input: $input) { id active }
  }
`)

export const Teams = graphql(`
  query ConsoleTeams {
    teams(first: 100) { totalCount nodes { id name createdAt } }
  }
`)

export const CreateTeam = graphql(`
  mutation ConsoleCreateTeam($input: CreateTeamInput!) {
    createTeam(input: $input) { id name }
  }
`)
