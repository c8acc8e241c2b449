import SchemaBuilder from '@pothos/core'
import DataloaderPlugin from '@pothos/plugin-dataloader'
import RelayPlugin from '@pothos/plugin-relay'
import ScopeAuthPlugin from '@pothos/plugin-scope-auth'
import ZodPlugin from '@pothos/plugin-zod'
import { can, type Module, type Operation } from '../access/permissions.js'
import { canAdminister } from '../access/principal.js'
import type { Context } from '../context.js'
import { forbidden, invalidInput, unauthenticated } from './errors.js'
import { decodeGlobalId, encodeGlobalId } from './global-id.js'
import { CurrencyScalar, DateTimeScalar, DecimalScalar, EmailAddressScalar, JSONObjectScalar, LocalDateScalar } from './scalars.js'

/**
 * The schema builder: plugins, scalars and auth scopes. Types live beside their domain
 * (src/orders, src/crm, src/admin) and are assembled in schema.ts from the list in modules.ts.
 */
export const builder = new SchemaBuilder<{
  Context: Context
  AuthScopes: {
    /** Any valid credential. */
    authenticated: boolean
    /** An admin user signed in with a session (never an API key). */
    admin: boolean
    /** The caller's role grants this operation on this module at some level other than NONE. */
    perm: [Module, Operation]
  }
  Scalars: {
    ID: { Input: string; Output: string | number | bigint }
    DateTime: { Input: Date; Output: Date | string }
    Decimal: { Input: string; Output: string }
    LocalDate: { Input: string; Output: string }
    Currency: { Input: string; Output: string }
    EmailAddress: { Input: string; Output: string }
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> }
  }
  DefaultFieldNullability: false
  DefaultEdgesNullability: { list: false; items: false }
  DefaultNodeNullability: false
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, ZodPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Scopes are plain lookups on the principal resolved once per request.
    authScopes: (context) => ({
      authenticated: context.principal !== null,
      admin: canAdminister(context.principal),
      perm: ([module, operation]) =>
        context.principal !== null && can(context.principal.permissions, module, operation),
    }),
    unauthorizedError: (_parent, context) => (context.principal === null ? unauthenticated() : forbidden()),
    // Scopes sit on root fields, mutations and relation fields; tenant isolation is SQL's job.
    runScopesOnType: false,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodesOnConnection: true,
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    // node and nodes are defined in records/fields/node-fields.ts to read through the one-statement compiler.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
  zod: {
    validationError: (error) =>
      invalidInput(
        error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
      ),
  },
})

/** The builder's type parameters, for helpers that take Pothos field builders. */
export type SchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never

builder.addScalarType('DateTime', DateTimeScalar)
builder.addScalarType('Decimal', DecimalScalar)
builder.addScalarType('LocalDate', LocalDateScalar)
builder.addScalarType('Currency', CurrencyScalar)
builder.addScalarType('EmailAddress', EmailAddressScalar)
builder.addScalarType('JSONObject', JSONObjectScalar)
