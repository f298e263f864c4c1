import { checkModelWarnings } from './check.js';
import type { PlatformModel } from './types.js';

/**
 * The model's security trade-offs as one line each (message and fix), for the places that print rather
 * than locate them: `init`'s output and the Warnings section of every pull request body.
 */
export function securityWarnings(model: PlatformModel): string[] {
  return checkModelWarnings(model).map((warning) => `${warning.message}${warning.fix ? `; fix: ${warning.fix}` : ''}`);
}
