import { graphql } from '../gql/index.js'

export const AuditLog = graphql(`
  query ConsoleAuditLog($after: String, $filter: AuditEventFilter) {
    auditEvents(first: 50, after: $after, filter: $filter) {
      nodes { id occurredAt action actor { id name } credential targetType targetId clientAddress requestId details }
      pageInfo { hasNextPage endCursor }
    }
  }
`)
