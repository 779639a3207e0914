# Production image. The build stage has the devDependencies (esbuild, vite, tsx) and makes dist/
# (npm run build) and web/dist/ (npm run build:web); the runtime stage has the production
# dependencies only and runs dist/*.js with plain node as the unprivileged `node` user.
# tests/built-output.test.ts stages exactly what the runtime stage copies (its COPY lines) with
# node_modules as `npm ci --omit=dev` installs it, and runs it: keep the two in step.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build the web app before its sources are copied in.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run build:web && npm run build

FROM node:20-bookworm-slim AS runtime
# The Word 汇总报告's charts are rasterised by resvg with the system's CJK font (Noto Sans CJK SC,
# src/modules/documents/charts.ts); without one their Chinese labels would be empty boxes.
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# DATA_DIR holds the embedded database when DATABASE_URL is unset (a single container on its own).
# --max-semi-space-size=4 (MiB; V8's default is 16): the young generation stays small under the
# dossier's stream of short-lived buffers, so a process peaks at ~255 MiB instead of ~335 MiB while
# streaming the whole plan's 台账, streams it faster, and serves the API no slower (README:
# Memory). `npm run bench` starts its dossier process with the NODE_OPTIONS written here.
ENV NODE_ENV=production NODE_OPTIONS="--enable-source-maps --max-semi-space-size=4" DATA_DIR=/app/data PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Liveness with node itself (the slim image has no curl). The worker and the migrate job listen on
# no port: docker-compose.yml turns this off for them.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/server.js"]
