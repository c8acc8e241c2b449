import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * `npm start` and the container run node with V8 flags that bound the server's memory
 * (docs/operations.md). They are written twice, in package.json and the Dockerfile, so this keeps
 * the two equal and checks that this node still accepts them and that they act: a Node upgrade
 * that renamed one would otherwise stop every start with "bad option".
 */
const startScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start
const startFlags = startScript.split(/\s+/).filter((word) => word.startsWith('--'))

describe('the V8 flags npm start runs the server with', () => {
  it('are the container command’s too', () => {
    const command = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1]
    const words = JSON.parse(command ?? '[]') as string[]
    expect(words.filter((word) => word.startsWith('--'))).toEqual(startFlags)
    expect(startFlags.length).toBeGreaterThan(0)
  })

  it('are accepted by this node and bound the young generation', () => {
    // Allocates short-lived garbage until V8 has grown the young generation as far as it will.
    const probe =
      "const v8 = require('node:v8'); let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = [] }" +
      "; process.stdout.write(String(v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size))"
    const young = (flags: string[]) => Number(execFileSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }))
    const semiSpace = Number(/--max-semi-space-size=(\d+)/.exec(startScript)?.[1]) * 1024 * 1024
    expect(young(startFlags)).toBeLessThanOrEqual(2 * semiSpace)
    // Without the flags the same work grows it past that: the flag is what bounds it.
    expect(young([])).toBeGreaterThan(2 * semiSpace)
  })
})
