import { graphql } from '../gql/index.js'

/** The business's endpoints, the events they may subscribe to, and the API members that may own one. */
export const WebhookEndpoints = graphql(`
  query ConsoleWebhookEndpoints {
    webhookEndpoints(first: 100) {
      nodes {
        id url description events active createdAt failingSince disabledAt disabledReason previousSecretExpiresAt
        member { id name }
      }
    }
    webhookEventTypes
    apiMembers(first: 100) { nodes { id name active } }
  }
`)

export const CreateWebhookEndpoint = graphql(`
  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) { secret endpoint { id url } }
  }
`)

export const UpdateWebhookEndpoint = graphql(`
  mutation ConsoleUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) { id url active }
  }
`)

export const RotateWebhookSecret = graphql(`
  mutation ConsoleRotateWebhookSecret($input: RotateWebhookSecretInput!) {
    rotateWebhookSecret(input: $input) { secret endpoint { id url previousSecretExpiresAt } }
  }
`)

export const DeleteWebhookEndpoint = graphql(`
  mutation ConsoleDeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {
    deleteWebhookEndpoint(input: $input) { deletedId }
  }
`)

/** An endpoint's latest deliveries (newest first) with every attempt. */
export const WebhookDeliveries = graphql(`
  query ConsoleWebhookDeliveries($id: ID!) {
    node(id: $id) {
      ... on WebhookEndpoint {
        id
        deliveries(last: 50) {
          nodes {
            id messageId eventType recordId version status attemptCount nextAttemptAt lastAttemptAt
            lastResponseStatus lastLatencyMs lastError deliveredAt
            attempts { attempt attemptedAt responseStatus latencyMs error }
          }
        }
      }
    }
  }
`)

export const RedeliverWebhook = graphql(`
  mutation ConsoleRedeliverWebhook($input: RedeliverWebhookInput!) {
    redeliverWebhook(input: $input) { id status }
  }
`)
