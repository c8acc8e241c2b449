/** The figures of `npm run bench -- --soak` (bench/soak.ts) and their section of results.md. */
/** The soak's RSS bound: the mean over the last rotation at most this much above the mean over the first is "flat". */
export const FLAT_BOUND = 0.1
export const SOAK_WINDOW_SECONDS = 5

export interface SoakSample {
  atSeconds: number
  rssMiB: number
  heapUsedMiB: number
}

export interface SoakResults {
  generatedAt: string
  commit: string
  command: string
  connections: number
  seconds: number
  warmupSeconds: number
  queries: string
  requests: number
  requestsPerSecond: number
  errors: number
  timeouts: number
  non2xx: number
  mismatches: number
  /** start, middle and end: mean RSS over a span of spanSeconds (a rotation of the queries) there. */
  rss: { afterWarmupMiB: number; startMiB: number; middleMiB: number; endMiB: number; maxMiB: number }
  spanSeconds: number
  heapUsed: { afterWarmupMiB: number; endMiB: number; maxMiB: number }
  /** The least-squares trend of the RSS samples over the soak (a leak shows as a steady climb). */
  rssSlopeMiBPerMinute: number
  boundPercent: number
  verdict: 'flat' | 'growing'
  samples: SoakSample[]
}

/** The soak's failed requests: must be 0. */
export const soakFailures = (soak: SoakResults) => soak.errors + soak.timeouts + soak.non2xx + soak.mismatches

const mib = (value: number) => `${value.toFixed(0)} MiB`

/** The soak's section of results.md. */
export function renderSoak(soak: SoakResults): string[] {
  const failed = soakFailures(soak)
  const shortened = soak.seconds < 60 ? ` **Shortened run: ${soak.seconds} s, not the 60 s of a full soak.**` : ''
  return [
    '## Soak', '',
    `${soak.generatedAt.slice(0, 16).replace('T', ' ')} UTC · commit \`${soak.commit}\` · \`${soak.command}\`.${shortened}`, '',
    `One compiled Gatehouse (admin key, metered), ${soak.connections} connections for ${soak.seconds} s after ${soak.warmupSeconds} s ` +
      `of warm-up, ${soak.queries} in turn in back-to-back ${SOAK_WINDOW_SECONDS} s windows; every answer checked byte for byte ` +
      `(Q4 writes an order each time). RSS from /proc every 250 ms; start, middle and end are its means over ${soak.spanSeconds.toFixed(0)} s ` +
      '(a rotation of the queries) right after the warm-up, mid-soak and at the end; used heap from the server\'s /metrics after each window.', '',
    '| requests | req/s | errors | timeouts | wrong status | wrong answers |', '|---:|---:|---:|---:|---:|---:|',
    `| ${soak.requests.toLocaleString('en-US')} | ${soak.requestsPerSecond.toFixed(0)} | ${soak.errors} | ${soak.timeouts} | ${soak.non2xx} | ${soak.mismatches} |`, '',
    '| | after warm-up | start | middle | end | max |', '|---|---:|---:|---:|---:|---:|',
    `| RSS | ${mib(soak.rss.afterWarmupMiB)} | ${mib(soak.rss.startMiB)} | ${mib(soak.rss.middleMiB)} | ${mib(soak.rss.endMiB)} | ${mib(soak.rss.maxMiB)} |`,
    `| used heap | ${mib(soak.heapUsed.afterWarmupMiB)} | | | ${mib(soak.heapUsed.endMiB)} | ${mib(soak.heapUsed.maxMiB)} |`, '',
    `**Verdict: memory ${soak.verdict}** (flat: the end's mean RSS at most ${soak.boundPercent} % above the start's; ` +
      `here ${(((soak.rss.endMiB / soak.rss.startMiB) - 1) * 100).toFixed(1)} %); ` +
      `**${failed === 0 ? '0 failed requests' : `${failed} FAILED requests`}**.`, '',
    `RSS trend over the soak (least squares): ${soak.rssSlopeMiBPerMinute >= 0 ? '+' : ''}${soak.rssSlopeMiBPerMinute.toFixed(1)} MiB per minute. ` +
      `RSS after each window (s: MiB): ${soak.samples.map((s) => `${s.atSeconds}: ${s.rssMiB.toFixed(0)}`).join(', ')}.`, '',
  ]
}
