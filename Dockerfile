# syntax=docker/dockerfile:1.7
# HyperDesk headless engine (`hyperdesk serve`). Node runs the TypeScript sources directly
# (type stripping), so the image carries src/ plus the built web UI (out/renderer) and the
# production dependencies. better-sqlite3 ships N-API prebuilds: no compiler in any stage.
#
# Build: docker build --build-arg VERSION=1.2.3 -t hyperdesk:1.2.3 .
# The Node version matches the project's pinned Node 24 (package.json devDependency "node").
ARG NODE_VERSION=24.21.0
ARG DEBIAN_RELEASE=bookworm

# --- build: install everything, build the web UI -------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS build
WORKDIR /app
# The desktop shell (Electron) is not part of the server image; its binary is not needed to
# build the UI bundle.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- prod-deps: production dependencies only ------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: every production dependency with native code ships prebuilt binaries.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

# --- runtime ---------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS runtime
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="hyperdesk" \
      org.opencontainers.image.description="HyperDesk headless trading engine for Hyperliquid perpetuals" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/hyperdesk/hyperdesk" \
      org.opencontainers.image.licenses="UNLICENSED"

# The package managers are not needed at run time: less to patch, less to abuse.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && groupadd --system --gid 10001 hyperdesk \
 && useradd --system --uid 10001 --gid hyperdesk --home-dir /nonexistent --shell /usr/sbin/nologin hyperdesk \
 && mkdir -p /var/lib/hyperdesk /etc/hyperdesk /var/run/secrets/hyperdesk \
 && chown hyperdesk:hyperdesk /var/lib/hyperdesk

WORKDIR /app
ENV NODE_ENV=production \
    HYPERDESK_DATA_DIR=/var/lib/hyperdesk \
    HOME=/tmp
# Application files are owned by root and read-only for the runtime user.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY resources ./resources
COPY src/shared ./src/shared
COPY src/engine ./src/engine
COPY src/adapters ./src/adapters
COPY src/host ./src/host
COPY src/server ./src/server
COPY --from=build /app/out/renderer ./out/renderer

USER 10001:10001
EXPOSE 8787
# Writable at run time: only /var/lib/hyperdesk (the journal, a volume) and /tmp.
VOLUME ["/var/lib/hyperdesk"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8787/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/hyperdesk.js"]
CMD ["serve", "--config", "/etc/hyperdesk/config.yaml"]
