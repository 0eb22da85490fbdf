#!/usr/bin/env node
// The CLI is published as `ncprop` (bin/ncprop.js; npm's `ncp` is a copy tool). This file keeps
// `node bin/ncp.js …` working for scripts and tests written before the rename.
'use strict';
require('./ncprop.js');
