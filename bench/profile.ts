import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): where the process spent its time once it
 * was serving, by package (inclusive: a sample counts for every package on its stack) and by
 * function (self time). Also runnable alone:
 *   node --import tsx bench/profile.ts <file.cpuprofile> [seconds of start-up to skip]
 */

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile

function busyMicros(profile: CpuProfile): number {
  const idle = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id))
  return profile.samples.reduce((sum, id, i) => sum + (idle.has(id) ? 0 : (profile.timeDeltas[i] ?? 0)), 0)
}

/** The busiest profile in a folder: the main thread's (others are loader or worker threads). */
export function busiestProfile(dir: string): string | null {
  let best: { file: string; busy: number } | null = null
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'))) {
    const file = join(dir, name)
    const busy = busyMicros(read(file))
    if (!best || busy > best.busy) best = { file, busy }
  }
  return best?.file ?? null
}

/** Where a frame's code lives: an npm package, a Gatehouse source file, or nothing (Node, V8). */
function placeOf(url: string): string | null {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (packageMatch) return packageMatch[1]!
  const source = /\/(src\/.+)$/.exec(url)
  return source ? source[1]! : null
}

function frameName(frame: ProfileNode['callFrame']): string {
  const where = frame.url.split('/node_modules/')[1] ?? (/\/(src\/.+)$/.exec(frame.url)?.[1] ?? frame.url)
  return `${frame.functionName || '(anonymous)'}${where ? `  ${where}:${frame.lineNumber + 1}` : ''}`
}

/** Lines of text: packages by inclusive time and functions by self time, after `skipSeconds` of start-up. */
export function summariseProfile(file: string, skipSeconds = 0, top = 25): string[] {
  const profile = read(file)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)

  const inclusive = new Map<string, number>()
  const self = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, micros: number) => map.set(key, (map.get(key) ?? 0) + micros)
  let elapsed = 0
  let busy = 0
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0
    elapsed += micros
    const frame = byId.get(id)!.callFrame
    if (elapsed < skipSeconds * 1e6 || frame.functionName === '(idle)') return
    busy += micros
    add(self, frameName(frame), micros)
    const places = new Set<string>()
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const place = placeOf(byId.get(node)!.callFrame.url)
      if (place) places.add(place)
    }
    for (const place of places) add(inclusive, place, micros)
  })
  const percent = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`
  const sorted = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n)
  return [
    `${(busy / 1e6).toFixed(1)} s on CPU after the first ${skipSeconds.toFixed(0)} s (start-up).`,
    'Inclusive time by package or source file (a sample counts for everything on its stack):',
    ...sorted(inclusive, top).map(([place, micros]) => `  ${percent(micros)}  ${place}`),
    'Self time by function:',
    ...sorted(self, top).map(([name, micros]) => `  ${percent(micros)}  ${name}`),
  ]
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').slice(-2).join('/'))) {
  const [file, skip] = process.argv.slice(2)
  if (!file) throw new Error('usage: node --import tsx bench/profile.ts <file.cpuprofile> [seconds to skip]')
  console.log(summariseProfile(file, Number(skip ?? 0)).join('\n'))
}
