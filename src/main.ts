import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { KeyPepperRequiredError } from './access/api-keys.js'
import { BootstrapConfigError } from './access/bootstrap.js'
import { createApp } from './app.js'
import { loadConfig } from './config.js'
import { DataDirLockedError } from './db/database.js'

/** Starts Gatehouse: `npm start`. Listens, and on SIGTERM/SIGINT drains in-flight requests and exits 0. */
async function main() {
  const config = loadConfig()
  const app = await createApp(config)
  const { log } = app.services
  const server = createServer(app.yoga)
  server.keepAliveTimeout = 5_000
  // Responses being written, so a shutdown can tell their keep-alive connections to close.
  const open = new Set<ServerResponse>()
  let stopping = false
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    if (stopping) response.setHeader('connection', 'close')
    open.add(response)
    response.on('close', () => open.delete(response))
  })
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.PORT
  log.info(
    { url: `http://${config.HOST}:${port}/graphql`, database: app.services.database.kind },
    'Gatehouse is listening',
  )

  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    // Stop accepting first, so the log line below is true when it is read; idle keep-alive
    // sockets close now, busy ones after their response.
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()))
    server.close()
    server.closeIdleConnections()
    log.info({ signal }, 'shutting down: draining in-flight requests')
    const force = setTimeout(() => {
      log.warn('in-flight requests did not finish in time; closing connections')
      server.closeAllConnections()
    }, config.GATEHOUSE_SHUTDOWN_GRACE_SECONDS * 1000)
    force.unref()
    for (const response of open) if (!response.headersSent) response.setHeader('connection', 'close')
    await closed
    await app.close()
    log.info('stopped')
    log.flush?.()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((error) => {
  // Configuration problems an operator fixes: the message says what to do; a stack trace would only hide it.
  if (error instanceof DataDirLockedError || error instanceof BootstrapConfigError || error instanceof KeyPepperRequiredError) {
    console.error(error.message)
  } else {
    console.error(error)
  }
  process.exit(1)
})
