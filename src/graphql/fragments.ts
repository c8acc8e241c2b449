import { type DocumentNode, type FragmentDefinitionNode, Kind } from 'graphql'

/** A document's fragment definitions by name, the map graphql's collectFields takes. */
export type FragmentMap = Readonly<Record<string, FragmentDefinitionNode>>

// Yoga hands every request of a cached document the same DocumentNode, so the map is built once
// per document, not once per walk (validation, cost, the credential check and the read each walk it).
const byDocument = new WeakMap<DocumentNode, FragmentMap>()

export function fragmentsOf(document: DocumentNode): FragmentMap {
  let fragments = byDocument.get(document)
  if (!fragments) {
    const map: Record<string, FragmentDefinitionNode> = Object.create(null)
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) map[definition.name.value] = definition
    }
    fragments = map
    byDocument.set(document, fragments)
  }
  return fragments
}
