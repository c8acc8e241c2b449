import { MAX_KEY_NETWORKS, parseKeyNetworks } from '../../access/networks.js'
import { badInput } from '../../graphql/errors.js'

export const ALLOWED_NETWORKS_DESCRIPTION =
  `IPv4/IPv6 addresses or CIDR blocks (e.g. "203.0.113.0/24", "2001:db8::/48") the keys may be used from, at most ${MAX_KEY_NETWORKS}; ` +
  'from anywhere else a request is FORBIDDEN (and audited). Empty: anywhere. Regeneration keeps them.'

/** The networks an input gives, tidied; BAD_USER_INPUT naming the entry (`input.allowedNetworks.2`) otherwise. */
export function networksOf(entries: readonly string[], field = 'input.allowedNetworks'): string[] {
  const parsed = parseKeyNetworks(entries)
  if ('problem' in parsed) throw badInput(parsed.problem, `${field}.${parsed.index}`)
  return parsed.networks
}
