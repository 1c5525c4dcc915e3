# Keyless: S3-compatible object server with a built-in certificate STS.
# Build: docker build -t keyless .      Run: docker compose up
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles its native module when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY e2e ./e2e
RUN npm ci --no-audit --no-fund && npx tsc -b packages/server && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9000
# The dev certificate covers localhost/127.0.0.1; mount real ones with --tls-cert/--tls-key in production.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD node -e "require('https').get({host:'127.0.0.1',port:9000,path:'/health/live',rejectUnauthorized:false},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["node", "packages/server/bin/keyless.js"]
CMD ["serve", "--address", "0.0.0.0:9000", "--data", "/data"]
