import { graphql } from '../gql/index.js'

export const SignIn = graphql(`
  mutation ConsoleSignIn($input: SignInInput!) {
    signIn(input: $input) { token expiresAt }
  }
`)

export const SignOut = graphql(`
  mutation ConsoleSignOut { signOut }
`)

/** Who the token belongs to: the console lets only an admin user's session past sign-in. */
export const Me = graphql(`
  query ConsoleMe {
    viewer {
      caller { id kind name }
      credential { kind }
      role { id name builtin }
      business { name slug }
    }
  }
`)
