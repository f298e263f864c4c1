/** Where `schemas import` pins upstream schemas in a repository (apart from import.ts, so the command tree can name it without loading yaml). */
export const IMPORTED_SCHEMAS_DIR = '.cp-gitops/schemas';
