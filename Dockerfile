# syntax=docker/dockerfile:1
# Gatehouse, production image. Untested: no container engine runs on the development machines and
# no image registry is reachable from them (see README, "Containers"). Build: docker build -t gatehouse .

# Compile src/ and migrations/ into dist/ with the full dependency tree (TypeScript, tsx).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20-bookworm-slim
# Every setting is an environment variable (docs/contract.md; the README's Configuration table).
# Listen on every interface inside the container. With DATABASE_URL unset the embedded database
# lives in /data (one process at a time: mount a volume, run one replica). On PostgreSQL with
# NODE_ENV=production, GATEHOUSE_KEY_PEPPER and BOOTSTRAP_ADMIN_EMAIL/_PASSWORD are required.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    GATEHOUSE_DATA_DIR=/data
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
# The code belongs to root and is read-only to the server; only /data is the server's to write.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000
# /health is 200 while the process lives (also while it starts or the database is away);
# /ready is 200 only once started and while the database answers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains in-flight requests for up to GATEHOUSE_SHUTDOWN_GRACE_SECONDS (10 s) and exits 0.
STOPSIGNAL SIGTERM
# The V8 flags are npm start's (package.json); docs/operations.md says why they bound memory.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=30", "dist/src/main.js"]
