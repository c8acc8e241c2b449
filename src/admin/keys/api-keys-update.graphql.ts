import { builder } from '../../graphql/builder.js'
import { DESCRIPTION_MAX, descriptionSchema } from '../common/admin-input.js'
import { ApiKeyRef, MEMBER_ID, USER_ID, oneOwner, ownerOf } from './api-keys.graphql.js'
import { updateKeyPair } from './api-keys.service.js'
import { ALLOWED_NETWORKS_DESCRIPTION, networksOf } from './networks-input.js'

/** `updateApiKeys`: what describes and restricts a working pair, changed without rotating it. */

const UpdateApiKeysInput = builder.inputType('UpdateApiKeysInput', {
  fields: (t) => ({
    memberId: t.id({ required: false, description: MEMBER_ID }),
    userId: t.id({ required: false, description: USER_ID }),
    description: t.string({
      required: false,
      description: `What the keys are for; at most ${DESCRIPTION_MAX} characters. Omit to keep it.`,
      validate: { schema: descriptionSchema },
    }),
    allowedNetworks: t.stringList({ required: false, description: `${ALLOWED_NETWORKS_DESCRIPTION} Omit to keep them; [] lifts the restriction.` }),
  }),
  validate: oneOwner,
})

builder.mutationField('updateApiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    description:
      "Changes the description and/or allowed networks of a member's or user's working key pair (both keys alike), effective from the next request. CONFLICT when it has no working keys. Admins only.",
    args: { input: t.arg({ type: UpdateApiKeysInput, required: true }) },
    authScopes: { admin: true },
    resolve: (_root, { input }, context) =>
      updateKeyPair(context, {
        owner: ownerOf(input),
        description: input.description ?? undefined,
        allowedNetworks: input.allowedNetworks == null ? undefined : networksOf(input.allowedNetworks),
      }),
  }),
)
