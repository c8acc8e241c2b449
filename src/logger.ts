import { createRequire } from 'node:module'
import pino, { type Logger, type LoggerOptions } from 'pino'

/**
 * The structured log: one JSON object per line. Secrets never reach it: the request log records
 * no headers or variables, and credentials are redacted by path wherever an object holding one
 * is logged anyway.
 */
export function createLogger(level: string, nodeEnv: string = 'production'): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'gatehouse' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'headers.authorization',
        'headers["x-api-key"]',
        '*.password',
        '*.token',
        '*.key',
        '*.privateKey',
        '*.variables',
      ],
      censor: '[redacted]',
    },
  }
  // A developer at a terminal reads colours; everything else (files, collectors, CI) reads JSON.
  if (nodeEnv === 'development' && process.stdout.isTTY && hasPrettyPrinter()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } })
  }
  return pino(options)
}

/** pino-pretty is a dev dependency: absent from a production install, where JSON is what we want. */
function hasPrettyPrinter(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty')
    return true
  } catch {
    return false
  }
}
