import pino, { type Logger } from 'pino'

/**
 * The structured log. Secrets never reach it: credentials are redacted by path wherever a
 * request or error object is logged.
 */
export function createLogger(level: string): Logger {
  return pino({
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
      ],
      censor: '[redacted]',
    },
  })
}
