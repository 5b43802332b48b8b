# One image for every process of the system (gateway, command-api, query-api, projectors,
# workers, migrate); docker-compose.yml picks the process with `command`.
# Build: type-check and compile every workspace with tsc -b, bundle the web pages. Runtime: production dependencies
# only, the compiled JavaScript, no TypeScript toolchain, a non-root user.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Manifests first, so `npm ci` is cached until a dependency changes.
COPY package.json package-lock.json ./
COPY domain/package.json domain/
COPY infra/package.json infra/
COPY write-model/package.json write-model/
COPY command-api/package.json command-api/
COPY query-api/package.json query-api/
COPY projectors/package.json projectors/
COPY gateway/package.json gateway/
COPY workers/package.json workers/
COPY scripts/package.json scripts/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY domain domain
COPY infra infra
COPY write-model write-model
COPY command-api command-api
COPY query-api query-api
COPY projectors projectors
COPY gateway gateway
COPY workers workers
COPY scripts scripts
COPY web web
# tsc -b, then the buyer page and the ops console (esbuild) into web/dist/public.
RUN npx tsc -b
RUN node web/dist/src/build/main.js

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY domain/package.json domain/
COPY infra/package.json infra/
COPY write-model/package.json write-model/
COPY command-api/package.json command-api/
COPY query-api/package.json query-api/
COPY projectors/package.json projectors/
COPY gateway/package.json gateway/
COPY workers/package.json workers/
COPY scripts/package.json scripts/
COPY web/package.json web/
# Workspace packages resolve through node_modules/@concert/* links to these folders; without
# the "development" condition their exports point at dist/, which is all that is copied below.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/domain/dist domain/dist
COPY --from=build /app/infra/dist infra/dist
COPY --from=build /app/write-model/dist write-model/dist
COPY --from=build /app/command-api/dist command-api/dist
COPY --from=build /app/query-api/dist query-api/dist
COPY --from=build /app/projectors/dist projectors/dist
COPY --from=build /app/gateway/dist gateway/dist
COPY --from=build /app/workers/dist workers/dist
COPY --from=build /app/scripts/dist scripts/dist
COPY --from=build /app/web/dist web/dist
USER node
# The gateway is the only process clients reach; compose overrides this per service.
CMD ["node", "gateway/dist/src/main.js"]
