import { expect } from 'chai';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileDriftCache, MAX_DRIFT_ENTRIES } from '../../src/adapters/drift-cache.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { contentHash } from '../../src/generator/checksums.js';
import { fileTree, type FileTree } from '../../src/generator/file-tree.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { MODEL_FILE } from '../../src/model/types.js';
import { digestsOf, expectedFromDigests, expectedFromTree, type ExpectedFiles } from '../../src/validator/expected-files.js';
import { validateTree } from '../../src/validator/full-validation.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

describe('drift detection from digests (decision 99)', () => {
  const generated = generateRepository(buildNewModel({ name: 'p', repoURL: 'https://git.example.org/acme/p.git' }), loadTemplates());
  after(removeTempDirs);

  /** The drift/ findings of validating `tree` against `expected`. */
  function drift(tree: FileTree, expected: ExpectedFiles): string[] {
    return validateTree(tree, { expected })
      .violations.filter((violation) => violation.rule.startsWith('drift/'))
      .map((violation) => `${violation.rule} ${violation.file}:${violation.line}:${violation.column}`);
  }

  it('an unchanged repository matches its digests without generating anything', () => {
    let generations = 0;
    const expected = expectedFromDigests(digestsOf(generated), () => {
      generations += 1;
      return generated;
    });
    expect(drift(generated, expected)).to.deep.equal([]);
    expect(generations).to.equal(0);
  });

  it('reports the same findings at the same lines as the generated tree, generating once', () => {
    const edited = new Map(generated);
    const kafka = 'overlays/prod/network-policies/kafka.yaml';
    const lines = generated.get(kafka)!.split('\n');
    lines[3] = `${lines[3]} # edited`;
    edited.set(kafka, lines.join('\n'));
    edited.delete('overlays/dev/kustomization.yaml');
    edited.set('overlays/staging/kustomization.yaml', generated.get('overlays/staging/kustomization.yaml')!.replace(/\n/g, '\r\n'));
    let generations = 0;
    const fromDigests = drift(
      edited,
      expectedFromDigests(digestsOf(generated), () => {
        generations += 1;
        return generated;
      }),
    );
    expect(fromDigests).to.deep.equal(drift(edited, expectedFromTree(generated)));
    expect(fromDigests).to.include(`drift/stale ${kafka}:4:1`).and.to.include('drift/missing cp-gitops.yaml:18:11');
    expect(fromDigests.some((finding) => finding.includes('overlays/staging/')), 'line endings do not count').to.equal(false);
    expect(generations).to.equal(1);
  });

  it('a wrong digest costs a generation, never a finding', () => {
    const digests = digestsOf(generated);
    digests.set('overlays/dev/kustomization.yaml', contentHash('something else\n'));
    let generations = 0;
    const expected = expectedFromDigests(digests, () => {
      generations += 1;
      return generated;
    });
    expect(drift(generated, expected)).to.deep.equal([]);
    expect(generations).to.equal(1);
  });

  describe('the cache folder', () => {
    const model = generated.get(MODEL_FILE)!;

    it('gives back what was written for the same model text and build, and nothing for another', () => {
      const dir = makeTempDir('cp-gitops-drift-');
      const cache = fileDriftCache(dir, 'build A');
      expect(cache.read(model)).to.equal(undefined);
      cache.write(model, generated);
      expect(cache.read(model)).to.deep.equal(digestsOf(generated));
      expect(cache.read(`${model}# a comment\n`), 'another model text').to.equal(undefined);
      expect(fileDriftCache(dir, 'build B').read(model), 'another build').to.equal(undefined);
      expect(readdirSync(dir).filter((name) => name.endsWith('.tmp')), 'no temporary file left').to.deep.equal([]);
    });

    it('treats a malformed entry as no entry', () => {
      const dir = makeTempDir('cp-gitops-drift-');
      const cache = fileDriftCache(dir, 'build A');
      cache.write(model, generated);
      const [entry] = readdirSync(dir);
      for (const broken of ['{', '{"files":{}}', '{"files":[["a"]]}', '{"files":[["a",1]]}', 'null']) {
        writeFileSync(join(dir, entry!), broken);
        expect(cache.read(model), broken).to.equal(undefined);
      }
    });

    it(`keeps the ${MAX_DRIFT_ENTRIES} newest entries`, () => {
      const dir = makeTempDir('cp-gitops-drift-');
      const cache = fileDriftCache(dir, 'build A');
      const small = fileTree([['a.yaml', 'a: 1\n']]);
      const texts = Array.from({ length: MAX_DRIFT_ENTRIES + 3 }, (_, index) => `name: p${index}\n`);
      const seen = new Set<string>();
      const start = Date.now() / 1000 - 3600;
      texts.forEach((text, index) => {
        cache.write(text, small);
        // Distinct ages without sleeping: each entry is a second younger than the one before.
        for (const name of readdirSync(dir).filter((file) => !seen.has(file))) {
          seen.add(name);
          utimesSync(join(dir, name), start + index, start + index);
        }
      });
      expect(readdirSync(dir)).to.have.length(MAX_DRIFT_ENTRIES);
      expect(cache.read(texts.at(-1)!)).to.deep.equal(digestsOf(small));
      expect(cache.read(texts[0]!), 'the oldest went').to.equal(undefined);
    });
  });
});
