#!/usr/bin/env node
import { main } from '../dist/src/cli/ts2rpm.js';
main(process.argv.slice(2));
