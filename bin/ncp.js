#!/usr/bin/env node
// The CLI is published as `ncprop` (bin/ncprop.js; npm's `ncp` is a file-copy tool). This
// standalone copy keeps `node bin/ncp.js …` working for scripts and tests written before the rename.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const cli = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('ncprop: dist/cli.js is missing; run `npm run build` (or `npm ci`) in ' + join(__dirname, '..'));
  process.exit(2);
}
require(cli).runCli();
