#!/usr/bin/env node
'use strict';
// `gsih`: the headless command line. It runs the built core (out/main/cli.js).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(
    'gsih: la aplicación no está compilada; ejecute «npm run build» en ' +
      join(__dirname, '..') +
      '\n',
  );
  process.exit(1);
}
require(cli);
