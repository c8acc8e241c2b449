import { isIP } from 'node:net'
import { networkMatcher, normalizeAddress } from '../access/networks.js'

/**
 * The client's address: the socket's peer, or — when that peer is a proxy the operator trusts
 * (GATEHOUSE_TRUSTED_PROXIES) — the right-most address in X-Forwarded-For that is not itself a
 * trusted proxy. Right-most, because everything left of the last trusted hop was written by the
 * client and proves nothing. Rate limits, sign-in throttling and the audit log key on it.
 */
export function clientAddressResolver(trustedProxies: readonly string[]): (peer: string | null, forwardedFor: string | null) => string | null {
  if (trustedProxies.length === 0) return (peer) => normalizeAddress(peer)
  const isTrusted = networkMatcher(trustedProxies)
  return (peer, forwardedFor) => {
    let address = normalizeAddress(peer)
    if (!address || !isTrusted(address) || !forwardedFor) return address
    const hops = forwardedFor.split(',').map((hop) => normalizeAddress(hop.trim())).slice(-32)
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index]
      if (!hop || isIP(hop) === 0) return address
      address = hop
      if (!isTrusted(hop)) return hop
    }
    return address
  }
}
