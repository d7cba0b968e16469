import { fileURLToPath } from 'node:url';
import path from 'node:path';

// tsc compiles this file to dist/src/core/paths.js: the root is three levels up.
// In the runner bundle (dist/tacd.cjs, built by src/bundle/runner.ts) import.meta.url
// is the bundle's own URL, one level below the root; that build defines this flag.
declare const __TACD_RUNNER_BUNDLE__: boolean | undefined;
const here = path.dirname(fileURLToPath(import.meta.url));
const LEVELS = typeof __TACD_RUNNER_BUNDLE__ === 'boolean' && __TACD_RUNNER_BUNDLE__ ? 1 : 3;

/** The root of the tacd installation (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(here, ...Array<string>(LEVELS).fill('..'));
/** Built-in ejs templates. */
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
/** Bundled example apps and test fixtures. */
export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
/** Compiled JavaScript (dist/src). */
export const DIST_SRC_DIR = path.join(PROJECT_ROOT, 'dist', 'src');
/** The source tree (for bundling the runtime from TypeScript). */
export const SRC_DIR = path.join(PROJECT_ROOT, 'src');
