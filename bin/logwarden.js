#!/usr/bin/env node
// Entry point: the compiled CLI (dist/, built by `npm ci` through the prepare script and shipped in
// the package). Nothing is compiled at run time.
import '../dist/cli.js';
