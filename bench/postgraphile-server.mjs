// PostGraphile v5 with the amber preset, the reference server of `npm run bench`. Plain JavaScript
// on purpose: bench/run.ts copies it into bench/.work/, where PostGraphile is installed on demand
// (never a dependency of Gatehouse), and starts it with `node` directly so the bench can stop it by
// its own pid. Environment: DATABASE_URL, PORT, HOST (default 127.0.0.1).
import { createServer } from 'node:http'

// PostGraphile 5.1 targets Node 22 and calls Promise.withResolvers (Node 22+) inside Grafast and
// @dataplan/pg; on Node 20 every list field fails with "Cannot read properties of undefined
// (reading 'items')". The standard's own definition, so PostGraphile runs unchanged.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve
    let reject
    const promise = new this((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}
// Imported after the polyfill (static imports would run first).
const { postgraphile } = await import('postgraphile')
const { makePgService } = await import('postgraphile/adaptors/pg')
const { grafserv } = await import('postgraphile/grafserv/node')
const { PostGraphileAmberPreset } = await import('postgraphile/presets/amber')

const connectionString = process.env.DATABASE_URL
const port = Number(process.env.PORT ?? 5678)
const host = process.env.HOST ?? '127.0.0.1'
if (!connectionString) throw new Error('DATABASE_URL is required')

const preset = {
  extends: [PostGraphileAmberPreset],
  // One pool of 10, like Gatehouse's (pg's default size).
  pgServices: [makePgService({ connectionString, schemas: ['public'] })],
  grafserv: { port, host, graphiql: false, watch: false },
  grafast: { explain: false },
}

const pgl = postgraphile(preset)
const serv = pgl.createServ(grafserv)
const server = createServer()
server.keepAliveTimeout = 5_000
server.on('error', (error) => {
  console.error(error)
  process.exit(1)
})
await serv.addTo(server)
// Build the schema before listening, so the first measured request does not pay for it.
await pgl.getSchema()
server.listen(port, host, () => console.log(`PostGraphile listening on http://${host}:${port}/graphql`))

const stop = async () => {
  server.close()
  server.closeIdleConnections()
  await pgl.release()
  process.exit(0)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
