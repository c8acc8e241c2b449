import { isIP } from 'node:net'
import { z } from 'zod'

/**
 * The process environment, validated once at start-up. Every setting Gatehouse reads lives here so
 * a typo in a variable name fails loudly instead of silently falling back to a default.
 */
const booleanFlag = z
  .enum(['0', '1', 'true', 'false'])
  .transform((value) => value === '1' || value === 'true')

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
    .optional(),
  GATEHOUSE_DATA_DIR: z.string().default('./.data'),
  GATEHOUSE_GRAPHIQL: booleanFlag.default(true),
  /** Compile queries with graphql-jit (faster on large selections); 0 falls back to graphql-js. */
  GATEHOUSE_JIT: booleanFlag.default(true),
  /**
   * Answer credentialed JSON POSTs of known query documents in the lean lane (src/server/lean-lane.ts)
   * instead of through yoga's per-request machinery; 0 sends everything through yoga. Needs GATEHOUSE_JIT.
   */
  GATEHOUSE_LEAN_HTTP: booleanFlag.default(true),
  /**
   * In the lean lane, answer reads the compiler covers whole with PostgreSQL's own JSON text instead
   * of executing them (src/records/read/passthrough.ts); 0 executes every read.
   */
  GATEHOUSE_READ_PASSTHROUGH: booleanFlag.default(true),
  GATEHOUSE_DEMO_DATA: booleanFlag.optional(),
  GATEHOUSE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Server-side secret mixed into API key hashes; a stolen table of hashes is useless without it. */
  GATEHOUSE_KEY_PEPPER: z.string().min(16).optional(),
  REDIS_URL: z.string().optional(),
  /**
   * Points a principal's cost bucket holds (the most one query may cost; src/server/cost/estimate.ts
   * has the price list). Both keys of a pair share it (a user's sessions have one of their own); admins may set
   * another budget per principal. 0 turns metering off.
   */
  GATEHOUSE_COST_LIMIT: z.coerce.number().int().min(0).max(10_000_000).default(50_000),
  /** Points a principal's bucket restores per second, continuously (the default fills it in 50 s). */
  GATEHOUSE_COST_RESTORE_RATE: z.coerce.number().int().min(1).max(10_000_000).default(1_000),
  /**
   * A bucket the whole business shares besides each principal's, so many members cannot add up to
   * more than this; 0 (the default): none, unless an admin sets one for the business.
   */
  GATEHOUSE_BUSINESS_COST_LIMIT: z.coerce.number().int().min(0).max(100_000_000).default(0),
  /** Points the business bucket restores per second; unset: a fiftieth of its limit. */
  GATEHOUSE_BUSINESS_COST_RESTORE_RATE: z.coerce.number().int().min(1).max(100_000_000).optional(),
  /**
   * Requests per minute per client address that carry no valid credential (sign-ins, anonymous
   * introspection, bad keys); 0 turns the limit off. Credentialed requests are metered by cost.
   */
  GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(300),
  /** Retired: its meaning changed (requests per credential became points per principal). */
  GATEHOUSE_RATE_LIMIT_PER_MINUTE: z
    .string()
    .optional()
    .refine((value) => value === undefined, 'retired: credentialed requests are metered by cost (GATEHOUSE_COST_LIMIT, GATEHOUSE_COST_RESTORE_RATE), requests without a credential by GATEHOUSE_ANONYMOUS_REQUESTS_PER_MINUTE'),
  BOOTSTRAP_BUSINESS_NAME: z.string().min(1).default('Demo'),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email().optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8).optional(),
  /**
   * Longest a request may take, in ms. Past it the request answers TIMEOUT (504) and its running
   * statement is cancelled in PostgreSQL; PostgreSQL's own statement and lock timeouts back it up.
   */
  GATEHOUSE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** Connections in the PostgreSQL pool of each instance. */
  GATEHOUSE_DB_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  /**
   * Most reads each PostgreSQL connection keeps prepared (src/db/prepared-statements.ts); 0 runs
   * every statement unnamed (parsed and planned each time).
   */
  GATEHOUSE_DB_PREPARED_STATEMENTS: z.coerce.number().int().min(0).max(10_000).default(200),
  /**
   * Seconds a start waits for an unreachable PostgreSQL, retrying with a log line each time, before
   * it exits with a one-line message; 0 exits at once.
   */
  GATEHOUSE_DB_WAIT_SECONDS: z.coerce.number().int().min(0).default(60),
  /**
   * Bearer token for /metrics (Prometheus). Unset: /metrics answers loopback clients only (its
   * operation names come from every tenant).
   */
  GATEHOUSE_METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * OTLP/HTTP endpoint for OpenTelemetry traces (e.g. http://collector:4318/v1/traces); unset, no
   * traces are made (src/server/tracing.ts).
   */
  GATEHOUSE_OTEL_TRACES_URL: z.string().url().optional(),
  /**
   * Largest request body read, in bytes: a bigger one is 413 before it is read whole (by its
   * Content-Length, or while it streams). A GraphQL request is a document and its variables; the
   * largest real one, an order with 500 lines, is under 200 KB.
   */
  GATEHOUSE_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(1024 * 1024),
  /**
   * Proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For is believed: behind a
   * load balancer, the client's address is the right-most hop it did not add itself. Unset: the
   * socket's peer is the client, and X-Forwarded-For is ignored (anyone can write it).
   */
  GATEHOUSE_TRUSTED_PROXIES: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((entry) => entry.trim()).filter(Boolean))
    .pipe(z.array(z.string().refine(isAddressOrBlock, 'each entry is an IP address or a CIDR block such as 10.0.0.0/8'))),
  /**
   * Browser origins (comma-separated, e.g. `https://app.example.com`) whose pages may call the API
   * cross-site. Unset: none — same-origin pages (GraphiQL, the admin console) need no CORS, and
   * partners' servers send no Origin at all. `*` would let any site's scripts use a visitor's
   * session, so it is refused.
   */
  GATEHOUSE_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((origin) => origin.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s*]+$/, 'each origin is scheme://host[:port], without a path or wildcard'))),
  /** Seconds between writes of per-key usage counts (requests, errors, rate limited) from memory to the database. */
  GATEHOUSE_USAGE_FLUSH_SECONDS: z.coerce.number().int().min(1).max(3_600).default(10),
  /** Webhooks (src/webhooks/): 1 lets endpoints target loopback, private, link-local and metadata addresses (local receivers, tests). */
  GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  /** Seconds to wait before each retry of a failed delivery (jittered ±20 %); past the last one the delivery is dead. About 3 days, Stripe's span. */
  GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('5,30,120,600,1800,3600,7200,14400,28800,43200,86400,86400')
    .transform((value) => value.split(',').map((entry) => Number(entry.trim())))
    .pipe(z.array(z.number().positive().max(604_800)).min(1).max(30)),
  /** A delivery attempt's deadline (connect, send, response headers and the bounded body). */
  GATEHOUSE_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** An endpoint that has had no successful delivery for this long, while failing, is disabled (and audited). */
  GATEHOUSE_WEBHOOK_DISABLE_AFTER_SECONDS: z.coerce.number().positive().max(30 * 86_400).default(3 * 86_400),
  /**
   * How long finished webhook events (every delivery delivered, dead or skipped) are kept, with
   * their deliveries and attempts, before the delivery loop prunes them; 0 keeps them for ever.
   * replayWebhooks reaches back only this far.
   */
  GATEHOUSE_WEBHOOK_RETENTION_SECONDS: z.coerce.number().min(0).default(30 * 86_400),
  /** 0 runs no delivery loop in this process (the outbox still fills; another instance delivers). */
  GATEHOUSE_WEBHOOK_WORKER: booleanFlag.default(true),
  /**
   * How long the delivery loop lets events gather after a wake before it claims them: under a
   * stream of writes, one round's statements then serve several deliveries (src/webhooks/worker.ts).
   */
  GATEHOUSE_WEBHOOK_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(100),
  /**
   * Where bulk exports write their JSONL files (src/exports/). Every instance behind one load
   * balancer must see the same folder (a download may reach another instance than the one that
   * wrote it). Unset: `exports` in GATEHOUSE_DATA_DIR.
   */
  GATEHOUSE_EXPORT_DIR: z.string().optional(),
  /** Hours a finished export's file can be downloaded; then it is removed. */
  GATEHOUSE_EXPORT_RETENTION_HOURS: z.coerce.number().positive().max(30 * 24).default(72),
  /**
   * Seconds without a heartbeat after which a running export's instance is taken for stopped, and
   * the export is resumed by another (or the restarted) instance. A runner beats every third of it.
   */
  GATEHOUSE_EXPORT_STALE_SECONDS: z.coerce.number().positive().max(3_600).default(30),
  /** Seconds an in-flight request may take to finish after SIGTERM before the process exits anyway. */
  GATEHOUSE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(10),
})

export type Config = z.infer<typeof EnvSchema>

/** Parses the given environment (the process's by default) into a typed configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new Error(`Invalid environment:\n${problems.join('\n')}`)
  }
  return parsed.data
}

/** Whether a GATEHOUSE_TRUSTED_PROXIES entry is an address or a CIDR block. */
export function isAddressOrBlock(entry: string): boolean {
  const [address, bits, extra] = entry.split('/')
  const family = isIP(address ?? '')
  if (family === 0 || extra !== undefined) return false
  if (bits === undefined) return true
  const size = Number(bits)
  return /^\d{1,3}$/.test(bits) && size >= 0 && size <= (family === 6 ? 128 : 32)
}
