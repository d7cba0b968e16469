import { fileURLToPath } from 'node:url';
import path from 'node:path';

// This file compiles to dist/src/core/paths.js; the repository root is three levels up.
const here = path.dirname(fileURLToPath(import.meta.url));

/** The root of the tacd installation (the folder holding package.json). */
export const PROJECT_ROOT = path.resolve(here, '..', '..', '..');
/** Built-in ejs templates. */
export const TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
/** Bundled example apps and test fixtures. */
export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
/** Compiled JavaScript (dist/src). */
export const DIST_SRC_DIR = path.join(PROJECT_ROOT, 'dist', 'src');
/** The source tree (for bundling the runtime from TypeScript). */
export const SRC_DIR = path.join(PROJECT_ROOT, 'src');
