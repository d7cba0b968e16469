#!/usr/bin/env node
import { main } from '../dist/src/cli/tacd.js';
main(process.argv.slice(2));
