export { startServer, type RunningServer } from './start-server.js';
export { SERVE_DEFAULTS, parseAddress, type ServeOptions } from './serve-options.js';
export { createApp, type AppDeps } from './create-app.js';
export { main } from './cli/main.js';
export type { CliIo } from './cli/cli-io.js';
export { ensureDevCertificates, createDevCa, issueCertificate, type IssuedCertificate, type IssueOptions } from './certs/dev-certificates.js';
export { jsonLogger, redactUrl, type Logger } from './logger.js';
