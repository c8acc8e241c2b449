import type { CodegenConfig } from '@graphql-codegen/cli'

/**
 * Types for clients, generated from the printed schema (schema/schema.graphql): `npm run codegen`.
 * Two clients, each with its own operations and generated folder: the partner example (examples/)
 * and the admin console (console/src/). CI regenerates both and fails when the committed output differs.
 */
const scalars = {
  DateTime: 'string',
  Decimal: 'string',
  LocalDate: 'string',
  Currency: 'string',
  EmailAddress: 'string',
  JSONObject: 'Record<string, unknown>',
}

const client = (documents: string[]) => ({
  documents,
  preset: 'client' as const,
  config: { useTypeImports: true, enumsAsTypes: true, strictScalars: true, scalars },
  presetConfig: { fragmentMasking: false },
})

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  // The client preset otherwise writes `.js`-less CommonJS-style imports that NodeNext refuses.
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/gql/': client(['examples/**/*.ts', '!examples/gql/**']),
    'console/src/gql/': client(['console/src/**/*.ts', 'console/src/**/*.tsx', '!console/src/gql/**']),
  },
}

export default config
