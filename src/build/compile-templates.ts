/**
 * Build step (npm run build): dist/generated/templates.json, the values of base-templates/*.yaml and
 * overlays-templates/sizes.yaml, so that a run reads JSON instead of parsing YAML. loadTemplates uses it
 * only while the sha256 of the YAML files matches (src/adapters/templates.ts).
 *
 * Usage: node dist/src/build/compile-templates.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPILED_TEMPLATES_FILE, compileTemplates } from '../adapters/templates.js';
import { PACKAGE_ROOT } from '../package-root.js';

const target = join(PACKAGE_ROOT, COMPILED_TEMPLATES_FILE);
const compiled = compileTemplates();
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(compiled)}\n`);
process.stdout.write(`wrote ${target} (${compiled.units.length} units, ${Object.keys(compiled.sizes).length} sizes)\n`);
