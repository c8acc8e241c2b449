import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/**
 * Which URLs a webhook may target. Checked when an admin saves an endpoint and again before every
 * delivery, on the addresses the host resolves to at that moment (a name may be re-pointed at an
 * internal address after it was saved); the delivery then connects to the very address checked.
 */

/** Loopback, private, shared, link-local (cloud metadata lives there), multicast and reserved ranges. */
const REFUSED = new BlockList()
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) REFUSED.addSubnet(network, prefix, 'ipv4')
for (const [network, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
] as const) REFUSED.addSubnet(network, prefix, 'ipv6')

/** True for an address no webhook may reach unless private targets are allowed. */
export function isRefusedAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 4) return REFUSED.check(address, 'ipv4')
  if (family !== 6) return true
  // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return REFUSED.check(mapped[1]!, 'ipv4')
  return REFUSED.check(address, 'ipv6')
}

export interface TargetRules {
  production: boolean
  allowPrivate: boolean
}

export type Address = { address: string; family: number }
/** Looks a host name up: the system resolver, or one a test injects to play a DNS answer that changes. */
export type Resolver = (host: string) => Promise<Address[]>
const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true })

/** Why a URL cannot be a webhook target, or null when its syntax and scheme are fine. */
export function urlProblem(text: string, rules: TargetRules): string | null {
  if (text.length > 2_000) return 'At most 2000 characters.'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'Must be an absolute http(s) URL.'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Must be an http(s) URL.'
  if (rules.production && url.protocol !== 'https:') return 'Must use HTTPS.'
  if (url.username || url.password) return 'Must not carry a user name or password.'
  if (url.hash) return 'Must not carry a #fragment.'
  return null
}

/** The host of a URL as a resolver takes it (IPv6 literals without their brackets). */
export const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '')

/**
 * The addresses a webhook to `url` may connect to now; throws an Error saying why when there are
 * none (every address refused, or the name does not resolve). Never logs or returns the secret.
 */
export async function resolveTarget(url: URL, rules: TargetRules, resolve: Resolver = systemResolver): Promise<Address[]> {
  const host = hostOf(url)
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host)
  if (addresses.length === 0) throw new Error(`${host} does not resolve`)
  if (rules.allowPrivate) return addresses
  if (addresses.some(({ address }) => isRefusedAddress(address))) {
    throw new Error(`${host} is or resolves to a loopback, private, link-local or reserved address`)
  }
  return addresses
}
