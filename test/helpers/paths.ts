import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled location dist/test/helpers/paths.js. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
