#!/usr/bin/env node
// The `keyless` command. The TypeScript build (npm run build / npm start) produces ../dist.
//
// Every blob write ends in fsync and every read is a file read, and Node runs both on libuv's
// thread pool (4 threads by default): under many concurrent uploads the pool, not the disk, becomes
// the queue. Give it more threads unless the operator chose a size. It must be set before the first
// pool use, hence before the (dynamic) import of the server.
process.env.UV_THREADPOOL_SIZE ??= '32';

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
