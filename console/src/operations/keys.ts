import { graphql } from '../gql/index.js'

/** Everyone who can hold keys (API members and users), and every key still working or in its grace. */
export const KeyHolders = graphql(`
  query ConsoleKeyHolders {
    apiMembers(first: 100) { nodes { id name description active role { name } team { name } } }
    users(first: 100) { nodes { id name email active role { name } team { name } } }
    apiKeys(first: 100, filter: { active: true }) {
      nodes {
        id publicKey slot description createdAt lastUsedAt expiresAt revokedAt allowedNetworks
        owner { id kind name }
        usage { day requests errors rateLimited }
      }
    }
  }
`)

export const GenerateKeys = graphql(`
  mutation ConsoleGenerateKeys($input: GenerateApiKeysInput!) {
    generateApiKeys(input: $input) {
      primary { slot publicKey key privateKey }
      secondary { slot publicKey key privateKey }
    }
  }
`)

export const RegenerateKeys = graphql(`
  mutation ConsoleRegenerateKeys($input: RegenerateApiKeysInput!) {
    regenerateApiKeys(input: $input) {
      message
      oldKeysStopAt
      primary { slot publicKey key privateKey }
      secondary { slot publicKey key privateKey }
    }
  }
`)

export const RevokeKey = graphql(`
  mutation ConsoleRevokeKey($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) { id publicKey revokedAt }
  }
`)

export const UpdateKeys = graphql(`
  mutation ConsoleUpdateKeys($input: UpdateApiKeysInput!) {
    updateApiKeys(input: $input) { id description allowedNetworks }
  }
`)
