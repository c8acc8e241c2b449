import { BlockList, isIP } from 'node:net'
import { isAddressOrBlock } from '../config.js'

/**
 * IP networks: the one place addresses are matched against CIDR blocks (trusted proxies, the
 * networks an API key may be used from). Entries are addresses or blocks (`10.0.0.0/8`,
 * `2001:db8::/32`), already validated by `isAddressOrBlock`.
 */

/** `::ffff:10.0.0.1` is 10.0.0.1: one client, whichever socket family it came through. */
export function normalizeAddress(address: string | null | undefined): string | null {
  if (!address) return null
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/** A test of whether an address lies in any of the entries; an unknown (null) address lies in none. */
export function networkMatcher(entries: readonly string[]): (address: string | null) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    const [address, bits] = entry.split('/') as [string, string | undefined]
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (bits === undefined) list.addAddress(address, family)
    else list.addSubnet(address, Number(bits), family)
  }
  return (address) => {
    const normalized = normalizeAddress(address)
    const family = normalized ? isIP(normalized) : 0
    return family !== 0 && list.check(normalized!, family === 6 ? 'ipv6' : 'ipv4')
  }
}

/** The most networks one key may list: a partner's egress ranges, not a routing table. */
export const MAX_KEY_NETWORKS = 50

/**
 * Checks and tidies the networks an admin gives a key: each an address or CIDR block, trimmed,
 * duplicates dropped, at most MAX_KEY_NETWORKS. Returns the list, or the first problem.
 */
export function parseKeyNetworks(entries: readonly string[]): { networks: string[] } | { problem: string; index: number } {
  if (entries.length > MAX_KEY_NETWORKS) return { problem: `At most ${MAX_KEY_NETWORKS} networks.`, index: MAX_KEY_NETWORKS }
  const networks: string[] = []
  for (const [index, raw] of entries.entries()) {
    const entry = normalizeAddress(raw.trim().toLowerCase()) ?? ''
    if (entry.length > 64 || !isAddressOrBlock(entry)) {
      return { problem: 'Each network is an IPv4 or IPv6 address or a CIDR block such as 203.0.113.0/24.', index }
    }
    if (!networks.includes(entry)) networks.push(entry)
  }
  return { networks }
}

/**
 * What a per-address limit counts by: an IPv4 address, or an IPv6 address's /64 (one subscriber's
 * network: whoever holds one can use any of its 2^64 addresses, so counting them apart counts nothing).
 */
export function addressBucket(address: string | null): string {
  const normalized = normalizeAddress(address)
  if (!normalized || isIP(normalized) !== 6) return normalized ?? 'unknown'
  const [head = '', tail = ''] = normalized.toLowerCase().split('::') as [string, string?]
  const left = head ? head.split(':') : []
  const right = normalized.includes('::') && tail ? tail.split(':') : []
  // A trailing dotted IPv4 part (::ffff:1.2.3.4 handled above; others are rare) lies past the /64 anyway.
  const groups = normalized.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, '')).join(':')}::/64`
}
