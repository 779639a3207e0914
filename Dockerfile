FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# The web app is built from the sources (devDependencies), then those are dropped.
RUN npm ci --no-audit --no-fund --include=dev --ignore-scripts
COPY . .
RUN npm run build:web && npm prune --omit=dev --no-audit --no-fund
EXPOSE 3000
USER node
CMD ["npx", "tsx", "src/server.ts"]
