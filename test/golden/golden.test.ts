import { expect } from 'chai';
import { join } from 'node:path';
import { readTree, removeDirectory, writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { GOLDEN_SCENARIOS, goldenModel } from './scenarios.js';

/**
 * Whole generated trees, byte for byte. A generator change that alters output fails here until the
 * golden files are rewritten on purpose: `UPDATE_GOLDEN=1 npm test`, then review the diff.
 */
const GOLDEN_DIR = join(REPO_ROOT, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden trees', () => {
  const templates = loadTemplates();

  for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
    it(`${scenario}: the generated tree equals test/golden/${scenario}`, () => {
      const tree = generateRepository(goldenModel(scenario), templates);
      const dir = join(GOLDEN_DIR, scenario);
      if (update) {
        removeDirectory(dir);
        writeTree(dir, tree);
      }
      const golden = readTree(dir);
      expect([...tree.keys()], 'file list').to.deep.equal([...golden.keys()].sort());
      for (const [path, content] of tree) {
        expect(content, `${scenario}/${path} (UPDATE_GOLDEN=1 npm test rewrites it)`).to.equal(golden.get(path));
      }
    });

    it(`${scenario}: generating twice gives the same bytes`, () => {
      const first = generateRepository(goldenModel(scenario), templates);
      const second = generateRepository(goldenModel(scenario), templates);
      expect([...second]).to.deep.equal([...first]);
    });
  }
});
