import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { Server as NetServer } from 'node:net'
import { KeyPepperRequiredError } from './access/credentials/api-keys.js'
import { BootstrapConfigError } from './admin/bootstrap.js'
import { type App, createApp } from './app.js'
import { loadConfig } from './config.js'
import { DataDirLockedError } from './db/data-dir-lock.js'
import { DatabaseUnreachableError } from './db/database.js'
import { serviceUnavailable } from './graphql/errors.js'
import { createLogger } from './logger.js'
import { type Tracing, startTracing } from './server/tracing.js'

const netClose = NetServer.prototype.close
/** How long idle keep-alive sockets stay open after SIGTERM, for requests already sent on them. */
const IDLE_SOCKET_GRACE_MS = 200

/** A port already taken: one line for the operator, before any migration has run. */
class PortInUseError extends Error {}

/** Starts Gatehouse: `npm start`. Listens, and on SIGTERM/SIGINT drains in-flight requests and exits 0. */
async function main() {
  const config = loadConfig()
  const log = createLogger(config.GATEHOUSE_LOG_LEVEL, config.NODE_ENV)
  const tracing: Tracing | undefined = config.GATEHOUSE_OTEL_TRACES_URL ? await startTracing({ url: config.GATEHOUSE_OTEL_TRACES_URL }) : undefined
  // The port is taken first: a busy port is a one-line error before migrations run, and while the
  // database is awaited and migrated, /health answers and everything else is a retryable 503.
  let app: App | undefined
  let started: Promise<App> | undefined
  const starting = new AbortController()
  const server = createServer((request, response) => {
    if (app) return app.handle(request, response)
    startingResponse(request, response)
  })
  server.keepAliveTimeout = 5_000
  // Responses being written, so a shutdown can tell their keep-alive connections to close.
  const open = new Set<ServerResponse>()
  let stopping = false
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    // (A response made at once, such as the starting 503, has sent its headers already.)
    if (stopping && !response.headersSent) response.setHeader('connection', 'close')
    open.add(response)
    response.on('close', () => open.delete(response))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(`Port ${config.PORT} on ${config.HOST} is already in use; set PORT to a free one.`) : error),
    )
    server.listen(config.PORT, config.HOST, resolve)
  })
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    // Stop accepting first, so the log line below is true when it is read. Not http's close():
    // that would also cut idle keep-alive sockets at once, resetting a request already on its way
    // to one. Those sockets get a moment for such a request to be read (and answered with
    // Connection: close, below); only then are the ones still idle closed, and so on while draining
    // (a response that began before SIGTERM leaves its socket idle, not closed, when it ends).
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()))
    netClose.call(server)
    setInterval(() => server.closeIdleConnections(), IDLE_SOCKET_GRACE_MS).unref()
    log.info({ signal }, 'shutting down: draining in-flight requests')
    const force = setTimeout(() => {
      log.warn('in-flight requests did not finish in time; closing connections')
      server.closeAllConnections()
    }, config.GATEHOUSE_SHUTDOWN_GRACE_SECONDS * 1000)
    force.unref()
    for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close')
    // A stop during start-up ends the wait for the database and lets what runs finish first.
    starting.abort()
    await started?.catch(() => {})
    await closed
    await app?.close()
    await tracing?.shutdown().catch(() => {})
    log.info('stopped')
    log.flush?.()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))

  started = createApp(config, { log, signal: starting.signal })
  try {
    app = await started
  } catch (error) {
    if (stopping) return // the stop in progress exits
    throw error
  }
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  log.info(
    { url: `http://${config.HOST}:${port}/graphql`, database: app.services.database.kind },
    'Gatehouse is listening',
  )
}

main().catch((error) => {
  // Configuration problems an operator fixes: the message says what to do; a stack trace would only hide it.
  if (
    error instanceof DataDirLockedError ||
    error instanceof BootstrapConfigError ||
    error instanceof KeyPepperRequiredError ||
    error instanceof DatabaseUnreachableError ||
    error instanceof PortInUseError
  ) {
    console.error(error.message)
  } else {
    console.error(error)
  }
  process.exit(1)
})

/** What a request gets before the app is ready: alive, not ready, retry soon. */
function startingResponse(request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0]
  if (path === '/health') {
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"message":"alive"}')
    return
  }
  // The contract's error, as yoga would send it: extensions.http becomes the status and headers.
  const error = serviceUnavailable({ message: 'Gatehouse is starting; retry shortly.' })
  const { http, ...extensions } = error.extensions as { http: { status: number; headers: Record<string, string> } }
  response
    .writeHead(http.status, { 'content-type': 'application/json', ...http.headers })
    .end(JSON.stringify({ errors: [{ message: error.message, extensions }] }))
}
