import { BlockList, isIP } from 'node:net'

/**
 * The client's address: the socket's peer, or — when that peer is a proxy the operator trusts
 * (GATEHOUSE_TRUSTED_PROXIES) — the right-most address in X-Forwarded-For that is not itself a
 * trusted proxy. Right-most, because everything left of the last trusted hop was written by the
 * client and proves nothing. Rate limits, sign-in throttling and the audit log key on it.
 */
export function clientAddressResolver(trustedProxies: readonly string[]): (peer: string | null, forwardedFor: string | null) => string | null {
  if (trustedProxies.length === 0) return (peer) => normalize(peer)
  const trusted = new BlockList()
  for (const entry of trustedProxies) {
    const [address, bits] = entry.split('/') as [string, string | undefined]
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) trusted.addAddress(address, family)
    else trusted.addSubnet(address, Number(bits), family)
  }
  const isTrusted = (address: string) => {
    const family = isIP(address)
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4')
  }
  return (peer, forwardedFor) => {
    let address = normalize(peer)
    if (!address || !isTrusted(address) || !forwardedFor) return address
    const hops = forwardedFor.split(',').map((hop) => normalize(hop.trim())).slice(-32)
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index]
      if (!hop || isIP(hop) === 0) return address
      address = hop
      if (!isTrusted(hop)) return hop
    }
    return address
  }
}

/** `::ffff:10.0.0.1` is 10.0.0.1: one client, one key. */
function normalize(address: string | null | undefined): string | null {
  if (!address) return null
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}
