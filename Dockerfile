# syntax=docker/dockerfile:1
# isblocked: the bot, its web page and API, or a remote agent (`isblocked agent --ingest URL`), in one image.
#
# The current Node LTS: Node 26 has been the active LTS line since October 2026 (Node 24 is in maintenance).
# The code needs Node >= 20 (package.json engines) and CI runs it on Node 20. The SQLite store uses Node's
# own node:sqlite from Node 22.13 on, and on older lines better-sqlite3 (an optional dependency, compiled in
# the build stage); resvg uses Node-API, whose binaries do not depend on the Node version.
# `--build-arg NODE_IMAGE=...` builds on another line.
ARG NODE_IMAGE=node:26-slim

# ---- build: the same npm scripts CI runs, with the compilers a native module may need ----
FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles itself when no prebuilt binary fits: node-gyp takes the headers of this very Node.
# On a Node it does not support the compile fails, and npm goes on without it (optional).
ENV npm_config_nodedir=/usr/local
# node-gyp compiles with every core (its JOBS variable).
ENV JOBS=max
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build
RUN node bin/isblocked.js kb check
# The folder the runtime stage copies better-sqlite3's binding from, empty where it was not built.
RUN node -e "require('node:fs').mkdirSync('node_modules/better-sqlite3/build', { recursive: true })"

# ---- runtime dependencies only ----
FROM ${NODE_IMAGE} AS runtime-deps
WORKDIR /deps
COPY package.json package-lock.json ./
# No install scripts: the project's own `prepare` is tsc, a dev tool, and better-sqlite3's would compile
# again what the build stage has compiled for this same Node; its binding comes from there.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund
COPY --from=build /app/node_modules/better-sqlite3/build ./node_modules/better-sqlite3/build

# ---- the image: Node, fonts for the charts, the compiled code; no compilers, no dev dependencies ----
FROM ${NODE_IMAGE}
# Charts are drawn with system fonts: DejaVu for Latin, Cyrillic and Persian, WenQuanYi for Chinese.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-wqy-microhei \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    STORE_URL=sqlite:///data/isblocked.sqlite \
    WEB_PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=runtime-deps /deps/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/kb ./kb
RUN mkdir -p /data && chown node:node /data
# The SQLite store (STORE_URL's default here); unused when STORE_URL is redis://.
VOLUME ["/data"]
USER node
EXPOSE 8080
# /healthz says the process serves; readiness (/readyz) is for load balancers, not for restarts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.WEB_PORT || 8080}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/isblocked.js"]
CMD ["start"]
