import type { CodegenConfig } from '@graphql-codegen/cli'

/**
 * Types for clients, generated from the printed schema (schema/schema.graphql) and the operations
 * in examples/: `npm run codegen`. CI regenerates them and fails when the committed output differs.
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/**/*.ts', '!examples/gql/**'],
  // The client preset otherwise writes `.js`-less CommonJS-style imports that NodeNext refuses.
  emitLegacyCommonJSImports: false,
  generates: {
    'examples/gql/': {
      preset: 'client',
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          Decimal: 'string',
          LocalDate: 'string',
          Currency: 'string',
          EmailAddress: 'string',
          JSONObject: 'Record<string, unknown>',
        },
      },
      presetConfig: { fragmentMasking: false },
    },
  },
}

export default config
