// The webhook receiver of bench/webhook-writes.ts, in a process of its own so that its work (TLS
// handshakes, parsing) does not run on the event loop of the client that times the writes.
// Answers 204 and records when each event arrived (epoch ms, comparable across processes on one
// machine); sends them all to its parent when asked. Key and certificate paths in argv: HTTPS.
import { readFileSync } from 'node:fs'
import { createServer as createHttp } from 'node:http'
import { createServer as createHttps } from 'node:https'

const [keyFile, certFile] = process.argv.slice(2)
const arrivals = {}
const handler = (request, response) => {
  let body = ''
  request.on('data', (chunk) => (body += chunk))
  request.on('end', () => {
    const { data } = JSON.parse(body)
    arrivals[`${data.id}@${data.version}`] = performance.timeOrigin + performance.now()
    response.writeHead(204).end()
  })
}
const server = keyFile ? createHttps({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, handler) : createHttp(handler)
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
process.on('message', (message) => {
  if (message === 'report') process.send({ arrivals })
  if (message === 'stop') server.close(() => process.exit(0))
})
