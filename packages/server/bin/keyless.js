#!/usr/bin/env node
// The `keyless` command. The TypeScript build (npm run build / npm start) produces ../dist.
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
