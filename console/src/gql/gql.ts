/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ConsoleAuditLog($after: String, $filter: AuditEventFilter) {\n    auditEvents(first: 50, after: $after, filter: $filter) {\n      nodes { id occurredAt action actor { id name } credential targetType targetId clientAddress requestId details }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ConsoleAuditLogDocument,
    "\n  mutation ConsoleSignIn($input: SignInInput!) {\n    signIn(input: $input) { token expiresAt }\n  }\n": typeof types.ConsoleSignInDocument,
    "\n  mutation ConsoleSignOut { signOut }\n": typeof types.ConsoleSignOutDocument,
    "\n  query ConsoleMe {\n    viewer {\n      caller { id kind name }\n      credential { kind }\n      role { id name builtin }\n      business { name slug }\n    }\n  }\n": typeof types.ConsoleMeDocument,
    "\n  query ConsoleKeyHolders {\n    apiMembers(first: 100) { nodes { id name description active role { name } team { name } } }\n    users(first: 100) { nodes { id name email active role { name } team { name } } }\n    apiKeys(first: 100, filter: { active: true }) {\n      nodes {\n        id publicKey slot description createdAt lastUsedAt expiresAt revokedAt allowedNetworks\n        owner { id kind name }\n        usage { day requests errors rateLimited }\n      }\n    }\n  }\n": typeof types.ConsoleKeyHoldersDocument,
    "\n  mutation ConsoleGenerateKeys($input: GenerateApiKeysInput!) {\n    generateApiKeys(input: $input) {\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n": typeof types.ConsoleGenerateKeysDocument,
    "\n  mutation ConsoleRegenerateKeys($input: RegenerateApiKeysInput!) {\n    regenerateApiKeys(input: $input) {\n      message\n      oldKeysStopAt\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n": typeof types.ConsoleRegenerateKeysDocument,
    "\n  mutation ConsoleRevokeKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) { id publicKey revokedAt }\n  }\n": typeof types.ConsoleRevokeKeyDocument,
    "\n  mutation ConsoleUpdateKeys($input: UpdateApiKeysInput!) {\n    updateApiKeys(input: $input) { id description allowedNetworks }\n  }\n": typeof types.ConsoleUpdateKeysDocument,
    "\n  query ConsoleMembers {\n    apiMembers(first: 100) {\n      totalCount\n      nodes { id name description active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n": typeof types.ConsoleMembersDocument,
    "\n  mutation ConsoleCreateMember($input: CreateApiMemberInput!) {\n    createApiMember(input: $input) { id name }\n  }\n": typeof types.ConsoleCreateMemberDocument,
    "\n  mutation ConsoleUpdateMember($input: UpdateApiMemberInput!) {\n    updateApiMember(input: $input) { id name active }\n  }\n": typeof types.ConsoleUpdateMemberDocument,
    "\n  query ConsoleUsers {\n    users(first: 100) {\n      totalCount\n      nodes { id email name active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n": typeof types.ConsoleUsersDocument,
    "\n  mutation ConsoleCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email }\n  }\n": typeof types.ConsoleCreateUserDocument,
    "\n  mutation ConsoleUpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { id active }\n  }\n": typeof types.ConsoleUpdateUserDocument,
    "\n  query ConsoleTeams {\n    teams(first: 100) { totalCount nodes { id name createdAt } }\n  }\n": typeof types.ConsoleTeamsDocument,
    "\n  mutation ConsoleCreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) { id name }\n  }\n": typeof types.ConsoleCreateTeamDocument,
    "\n  query ConsoleRoles {\n    securityRoles(first: 100) {\n      nodes { id name builtin memberCount permissions { module operation level } }\n    }\n  }\n": typeof types.ConsoleRolesDocument,
    "\n  mutation ConsoleCreateRole($input: CreateSecurityRoleInput!) {\n    createSecurityRole(input: $input) { id name }\n  }\n": typeof types.ConsoleCreateRoleDocument,
    "\n  mutation ConsoleUpdateRole($input: UpdateSecurityRoleInput!) {\n    updateSecurityRole(input: $input) { id name }\n  }\n": typeof types.ConsoleUpdateRoleDocument,
    "\n  mutation ConsoleDeleteRole($input: DeleteSecurityRoleInput!) {\n    deleteSecurityRole(input: $input) { id name }\n  }\n": typeof types.ConsoleDeleteRoleDocument,
    "\n  query ConsoleWebhookEndpoints {\n    webhookEndpoints(first: 100) {\n      nodes {\n        id url description events active createdAt failingSince disabledAt disabledReason previousSecretExpiresAt\n        member { id name }\n      }\n    }\n    webhookEventTypes\n    apiMembers(first: 100) { nodes { id name active } }\n  }\n": typeof types.ConsoleWebhookEndpointsDocument,
    "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url } }\n  }\n": typeof types.ConsoleCreateWebhookEndpointDocument,
    "\n  mutation ConsoleUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { id url active }\n  }\n": typeof types.ConsoleUpdateWebhookEndpointDocument,
    "\n  mutation ConsoleRotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) { secret endpoint { id url previousSecretExpiresAt } }\n  }\n": typeof types.ConsoleRotateWebhookSecretDocument,
    "\n  mutation ConsoleDeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {\n    deleteWebhookEndpoint(input: $input) { deletedId }\n  }\n": typeof types.ConsoleDeleteWebhookEndpointDocument,
    "\n  query ConsoleWebhookDeliveries($id: ID!) {\n    node(id: $id) {\n      ... on WebhookEndpoint {\n        id\n        deliveries(last: 50) {\n          nodes {\n            id messageId eventType recordId version status attemptCount nextAttemptAt lastAttemptAt\n            lastResponseStatus lastLatencyMs lastError deliveredAt\n            attempts { attempt attemptedAt responseStatus latencyMs error }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ConsoleWebhookDeliveriesDocument,
    "\n  mutation ConsoleRedeliverWebhook($input: RedeliverWebhookInput!) {\n    redeliverWebhook(input: $input) { id status }\n  }\n": typeof types.ConsoleRedeliverWebhookDocument,
};
const documents: Documents = {
    "\n  query ConsoleAuditLog($after: String, $filter: AuditEventFilter) {\n    auditEvents(first: 50, after: $after, filter: $filter) {\n      nodes { id occurredAt action actor { id name } credential targetType targetId clientAddress requestId details }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ConsoleAuditLogDocument,
    "\n  mutation ConsoleSignIn($input: SignInInput!) {\n    signIn(input: $input) { token expiresAt }\n  }\n": types.ConsoleSignInDocument,
    "\n  mutation ConsoleSignOut { signOut }\n": types.ConsoleSignOutDocument,
    "\n  query ConsoleMe {\n    viewer {\n      caller { id kind name }\n      credential { kind }\n      role { id name builtin }\n      business { name slug }\n    }\n  }\n": types.ConsoleMeDocument,
    "\n  query ConsoleKeyHolders {\n    apiMembers(first: 100) { nodes { id name description active role { name } team { name } } }\n    users(first: 100) { nodes { id name email active role { name } team { name } } }\n    apiKeys(first: 100, filter: { active: true }) {\n      nodes {\n        id publicKey slot description createdAt lastUsedAt expiresAt revokedAt allowedNetworks\n        owner { id kind name }\n        usage { day requests errors rateLimited }\n      }\n    }\n  }\n": types.ConsoleKeyHoldersDocument,
    "\n  mutation ConsoleGenerateKeys($input: GenerateApiKeysInput!) {\n    generateApiKeys(input: $input) {\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n": types.ConsoleGenerateKeysDocument,
    "\n  mutation ConsoleRegenerateKeys($input: RegenerateApiKeysInput!) {\n    regenerateApiKeys(input: $input) {\n      message\n      oldKeysStopAt\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n": types.ConsoleRegenerateKeysDocument,
    "\n  mutation ConsoleRevokeKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) { id publicKey revokedAt }\n  }\n": types.ConsoleRevokeKeyDocument,
    "\n  mutation ConsoleUpdateKeys($input: UpdateApiKeysInput!) {\n    updateApiKeys(input: $input) { id description allowedNetworks }\n  }\n": types.ConsoleUpdateKeysDocument,
    "\n  query ConsoleMembers {\n    apiMembers(first: 100) {\n      totalCount\n      nodes { id name description active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n": types.ConsoleMembersDocument,
    "\n  mutation ConsoleCreateMember($input: CreateApiMemberInput!) {\n    createApiMember(input: $input) { id name }\n  }\n": types.ConsoleCreateMemberDocument,
    "\n  mutation ConsoleUpdateMember($input: UpdateApiMemberInput!) {\n    updateApiMember(input: $input) { id name active }\n  }\n": types.ConsoleUpdateMemberDocument,
    "\n  query ConsoleUsers {\n    users(first: 100) {\n      totalCount\n      nodes { id email name active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n": types.ConsoleUsersDocument,
    "\n  mutation ConsoleCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email }\n  }\n": types.ConsoleCreateUserDocument,
    "\n  mutation ConsoleUpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { id active }\n  }\n": types.ConsoleUpdateUserDocument,
    "\n  query ConsoleTeams {\n    teams(first: 100) { totalCount nodes { id name createdAt } }\n  }\n": types.ConsoleTeamsDocument,
    "\n  mutation ConsoleCreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) { id name }\n  }\n": types.ConsoleCreateTeamDocument,
    "\n  query ConsoleRoles {\n    securityRoles(first: 100) {\n      nodes { id name builtin memberCount permissions { module operation level } }\n    }\n  }\n": types.ConsoleRolesDocument,
    "\n  mutation ConsoleCreateRole($input: CreateSecurityRoleInput!) {\n    createSecurityRole(input: $input) { id name }\n  }\n": types.ConsoleCreateRoleDocument,
    "\n  mutation ConsoleUpdateRole($input: UpdateSecurityRoleInput!) {\n    updateSecurityRole(input: $input) { id name }\n  }\n": types.ConsoleUpdateRoleDocument,
    "\n  mutation ConsoleDeleteRole($input: DeleteSecurityRoleInput!) {\n    deleteSecurityRole(input: $input) { id name }\n  }\n": types.ConsoleDeleteRoleDocument,
    "\n  query ConsoleWebhookEndpoints {\n    webhookEndpoints(first: 100) {\n      nodes {\n        id url description events active createdAt failingSince disabledAt disabledReason previousSecretExpiresAt\n        member { id name }\n      }\n    }\n    webhookEventTypes\n    apiMembers(first: 100) { nodes { id name active } }\n  }\n": types.ConsoleWebhookEndpointsDocument,
    "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url } }\n  }\n": types.ConsoleCreateWebhookEndpointDocument,
    "\n  mutation ConsoleUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { id url active }\n  }\n": types.ConsoleUpdateWebhookEndpointDocument,
    "\n  mutation ConsoleRotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) { secret endpoint { id url previousSecretExpiresAt } }\n  }\n": types.ConsoleRotateWebhookSecretDocument,
    "\n  mutation ConsoleDeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {\n    deleteWebhookEndpoint(input: $input) { deletedId }\n  }\n": types.ConsoleDeleteWebhookEndpointDocument,
    "\n  query ConsoleWebhookDeliveries($id: ID!) {\n    node(id: $id) {\n      ... on WebhookEndpoint {\n        id\n        deliveries(last: 50) {\n          nodes {\n            id messageId eventType recordId version status attemptCount nextAttemptAt lastAttemptAt\n            lastResponseStatus lastLatencyMs lastError deliveredAt\n            attempts { attempt attemptedAt responseStatus latencyMs error }\n          }\n        }\n      }\n    }\n  }\n": types.ConsoleWebhookDeliveriesDocument,
    "\n  mutation ConsoleRedeliverWebhook($input: RedeliverWebhookInput!) {\n    redeliverWebhook(input: $input) { id status }\n  }\n": types.ConsoleRedeliverWebhookDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleAuditLog($after: String, $filter: AuditEventFilter) {\n    auditEvents(first: 50, after: $after, filter: $filter) {\n      nodes { id occurredAt action actor { id name } credential targetType targetId clientAddress requestId details }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleAuditLog($after: String, $filter: AuditEventFilter) {\n    auditEvents(first: 50, after: $after, filter: $filter) {\n      nodes { id occurredAt action actor { id name } credential targetType targetId clientAddress requestId details }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSignIn($input: SignInInput!) {\n    signIn(input: $input) { token expiresAt }\n  }\n"): (typeof documents)["\n  mutation ConsoleSignIn($input: SignInInput!) {\n    signIn(input: $input) { token expiresAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleSignOut { signOut }\n"): (typeof documents)["\n  mutation ConsoleSignOut { signOut }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMe {\n    viewer {\n      caller { id kind name }\n      credential { kind }\n      role { id name builtin }\n      business { name slug }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleMe {\n    viewer {\n      caller { id kind name }\n      credential { kind }\n      role { id name builtin }\n      business { name slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleKeyHolders {\n    apiMembers(first: 100) { nodes { id name description active role { name } team { name } } }\n    users(first: 100) { nodes { id name email active role { name } team { name } } }\n    apiKeys(first: 100, filter: { active: true }) {\n      nodes {\n        id publicKey slot description createdAt lastUsedAt expiresAt revokedAt allowedNetworks\n        owner { id kind name }\n        usage { day requests errors rateLimited }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleKeyHolders {\n    apiMembers(first: 100) { nodes { id name description active role { name } team { name } } }\n    users(first: 100) { nodes { id name email active role { name } team { name } } }\n    apiKeys(first: 100, filter: { active: true }) {\n      nodes {\n        id publicKey slot description createdAt lastUsedAt expiresAt revokedAt allowedNetworks\n        owner { id kind name }\n        usage { day requests errors rateLimited }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleGenerateKeys($input: GenerateApiKeysInput!) {\n    generateApiKeys(input: $input) {\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleGenerateKeys($input: GenerateApiKeysInput!) {\n    generateApiKeys(input: $input) {\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRegenerateKeys($input: RegenerateApiKeysInput!) {\n    regenerateApiKeys(input: $input) {\n      message\n      oldKeysStopAt\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n"): (typeof documents)["\n  mutation ConsoleRegenerateKeys($input: RegenerateApiKeysInput!) {\n    regenerateApiKeys(input: $input) {\n      message\n      oldKeysStopAt\n      primary { slot publicKey key privateKey }\n      secondary { slot publicKey key privateKey }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRevokeKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) { id publicKey revokedAt }\n  }\n"): (typeof documents)["\n  mutation ConsoleRevokeKey($input: RevokeApiKeyInput!) {\n    revokeApiKey(input: $input) { id publicKey revokedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateKeys($input: UpdateApiKeysInput!) {\n    updateApiKeys(input: $input) { id description allowedNetworks }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateKeys($input: UpdateApiKeysInput!) {\n    updateApiKeys(input: $input) { id description allowedNetworks }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleMembers {\n    apiMembers(first: 100) {\n      totalCount\n      nodes { id name description active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n"): (typeof documents)["\n  query ConsoleMembers {\n    apiMembers(first: 100) {\n      totalCount\n      nodes { id name description active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateMember($input: CreateApiMemberInput!) {\n    createApiMember(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateMember($input: CreateApiMemberInput!) {\n    createApiMember(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateMember($input: UpdateApiMemberInput!) {\n    updateApiMember(input: $input) { id name active }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateMember($input: UpdateApiMemberInput!) {\n    updateApiMember(input: $input) { id name active }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleUsers {\n    users(first: 100) {\n      totalCount\n      nodes { id email name active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n"): (typeof documents)["\n  query ConsoleUsers {\n    users(first: 100) {\n      totalCount\n      nodes { id email name active createdAt role { id name } team { id name } }\n    }\n    securityRoles(first: 100) { nodes { id name builtin } }\n    teams(first: 100) { nodes { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateUser($input: CreateUserInput!) {\n    createUser(input: $input) { id email }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { id active }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateUser($input: UpdateUserInput!) {\n    updateUser(input: $input) { id active }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleTeams {\n    teams(first: 100) { totalCount nodes { id name createdAt } }\n  }\n"): (typeof documents)["\n  query ConsoleTeams {\n    teams(first: 100) { totalCount nodes { id name createdAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateTeam($input: CreateTeamInput!) {\n    createTeam(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleRoles {\n    securityRoles(first: 100) {\n      nodes { id name builtin memberCount permissions { module operation level } }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleRoles {\n    securityRoles(first: 100) {\n      nodes { id name builtin memberCount permissions { module operation level } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateRole($input: CreateSecurityRoleInput!) {\n    createSecurityRole(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateRole($input: CreateSecurityRoleInput!) {\n    createSecurityRole(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateRole($input: UpdateSecurityRoleInput!) {\n    updateSecurityRole(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateRole($input: UpdateSecurityRoleInput!) {\n    updateSecurityRole(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteRole($input: DeleteSecurityRoleInput!) {\n    deleteSecurityRole(input: $input) { id name }\n  }\n"): (typeof documents)["\n  mutation ConsoleDeleteRole($input: DeleteSecurityRoleInput!) {\n    deleteSecurityRole(input: $input) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleWebhookEndpoints {\n    webhookEndpoints(first: 100) {\n      nodes {\n        id url description events active createdAt failingSince disabledAt disabledReason previousSecretExpiresAt\n        member { id name }\n      }\n    }\n    webhookEventTypes\n    apiMembers(first: 100) { nodes { id name active } }\n  }\n"): (typeof documents)["\n  query ConsoleWebhookEndpoints {\n    webhookEndpoints(first: 100) {\n      nodes {\n        id url description events active createdAt failingSince disabledAt disabledReason previousSecretExpiresAt\n        member { id name }\n      }\n    }\n    webhookEventTypes\n    apiMembers(first: 100) { nodes { id name active } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url } }\n  }\n"): (typeof documents)["\n  mutation ConsoleCreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) { secret endpoint { id url } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { id url active }\n  }\n"): (typeof documents)["\n  mutation ConsoleUpdateWebhookEndpoint($input: UpdateWebhookEndpointInput!) {\n    updateWebhookEndpoint(input: $input) { id url active }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) { secret endpoint { id url previousSecretExpiresAt } }\n  }\n"): (typeof documents)["\n  mutation ConsoleRotateWebhookSecret($input: RotateWebhookSecretInput!) {\n    rotateWebhookSecret(input: $input) { secret endpoint { id url previousSecretExpiresAt } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleDeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {\n    deleteWebhookEndpoint(input: $input) { deletedId }\n  }\n"): (typeof documents)["\n  mutation ConsoleDeleteWebhookEndpoint($input: DeleteWebhookEndpointInput!) {\n    deleteWebhookEndpoint(input: $input) { deletedId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleWebhookDeliveries($id: ID!) {\n    node(id: $id) {\n      ... on WebhookEndpoint {\n        id\n        deliveries(last: 50) {\n          nodes {\n            id messageId eventType recordId version status attemptCount nextAttemptAt lastAttemptAt\n            lastResponseStatus lastLatencyMs lastError deliveredAt\n            attempts { attempt attemptedAt responseStatus latencyMs error }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleWebhookDeliveries($id: ID!) {\n    node(id: $id) {\n      ... on WebhookEndpoint {\n        id\n        deliveries(last: 50) {\n          nodes {\n            id messageId eventType recordId version status attemptCount nextAttemptAt lastAttemptAt\n            lastResponseStatus lastLatencyMs lastError deliveredAt\n            attempts { attempt attemptedAt responseStatus latencyMs error }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConsoleRedeliverWebhook($input: RedeliverWebhookInput!) {\n    redeliverWebhook(input: $input) { id status }\n  }\n"): (typeof documents)["\n  mutation ConsoleRedeliverWebhook($input: RedeliverWebhookInput!) {\n    redeliverWebhook(input: $input) { id status }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;