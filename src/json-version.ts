/**
 * The version of every `--json` document's shape (docs/json/*.schema.json). Scripts check it; a
 * change that removes or renames a key, or changes a type, raises it. New keys do not.
 */
export const JSON_SCHEMA_VERSION = 1;
