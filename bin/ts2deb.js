#!/usr/bin/env node
import { main } from '../dist/src/cli/ts2deb.js';
main(process.argv.slice(2));
