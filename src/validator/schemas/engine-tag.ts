import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Bump whenever options, keywords, factorSchema or the patch form change what compiled code does: it is
 * part of every cache key and of the build manifest, so old compiled code is never reused. Kept apart
 * from ajv.ts so that reading it does not load ajv's compiler.
 */
// 4: imported patterns run on RE2 (linear-regexp.ts); code cached by revision 3 used RegExp, and must not be reused.
export const ENGINE_REVISION = 4;
export const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;
export const ENGINE_TAG = `ajv${AJV_VERSION}-r${ENGINE_REVISION}`;
