import { expect } from 'chai';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { readTree, writeTree } from '../../src/adapters/fs.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { generateRepository } from '../../src/generator/repository.js';
import type { Templates } from '../../src/generator/templates.js';
import { buildNewModel } from '../../src/model/build.js';
import { validateTree } from '../../src/validator/full-validation.js';
import { isYamlPath, parseSources } from '../../src/validator/sources.js';
import { captureWrittenYaml, stringifyYaml } from '../../src/yaml/stringify.js';
import { GOLDEN_SCENARIOS, goldenModel } from '../golden/scenarios.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

/** The precise parser's values: the reference every faster path must give back. */
function preciseValues(text: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true }).map((document) => document.toJS({ maxAliasCount: 100 }));
}

type PodTemplate = Record<string, unknown> & { podSecurityContext: Record<string, unknown> };

/**
 * Templates with mistakes init would find: a schema error in base/kafka (a file taken from the captured
 * values) and a YAML 1.1 boolean look-alike in base/schemaregistry (a file the precise parser reads).
 */
function plantedTemplates(): Templates {
  const templates = loadTemplates();
  const podTemplate = (unit: string) => (templates.units.find((candidate) => candidate.unit === unit)!.resources[0]!.manifest as { spec: { podTemplate: PodTemplate } }).spec.podTemplate;
  podTemplate('kafka').podSecurityContext.runAsUser = 'root';
  podTemplate('schemaregistry').annotations = { 'example.org/debug': 'on' };
  return templates;
}

describe('init validates the values it generated (no second parse)', () => {
  after(removeTempDirs);

  it('captures, for every golden scenario, the precise parser\'s values of every YAML and JSON file', () => {
    const templates = loadTemplates();
    let yamlFiles = 0;
    let captured = 0;
    for (const scenario of Object.keys(GOLDEN_SCENARIOS)) {
      const { result: tree, written } = captureWrittenYaml(() => generateRepository(goldenModel(scenario), templates));
      for (const [path, text] of tree) {
        if (!isYamlPath(path)) continue;
        yamlFiles += 1;
        const values = written.get(text);
        if (values === undefined) continue;
        captured += 1;
        expect(values, `${scenario}: ${path}`).to.deep.equal(preciseValues(text));
      }
    }
    // Every one: YAML through stringifyYaml, package.json and package-lock.json through stringifyJson.
    expect(captured).to.equal(yamlFiles);
  });

  for (const [title, templates] of [['the default repository (placeholder-URL warnings)', () => loadTemplates()], ['a planted schema error and an ambiguous "on"', plantedTemplates]] as const) {
    it(`finds what validating the written files finds, at the same file:line:col: ${title}`, () => {
      const { result: tree, written } = captureWrittenYaml(() => generateRepository(buildNewModel({ name: 'p' }), templates()));
      const dir = join(makeTempDir('cp-gitops-written-'), 'p');
      writeTree(dir, tree);
      const fromDisk = validateTree(readTree(dir));
      const fromValues = validateTree(tree, { written });
      expect(fromDisk.violations.length).to.be.greaterThan(0);
      expect(fromValues.violations).to.deep.equal(fromDisk.violations);
      expect(fromValues.stats).to.deep.equal(fromDisk.stats);
      if (title.startsWith('a planted')) {
        // Where the planted values are in the written text: the line, and the column of the value.
        const at = (path: string, pattern: RegExp) => {
          const lines = tree.get(path)!.split('\n');
          const line = lines.findIndex((text) => pattern.test(text));
          const match = pattern.exec(lines[line]!)!;
          return `${path}:${line + 1}:${match.index + match[0].length - match[1]!.length + 1}`;
        };
        expect(fromValues.violations.map((violation) => `${violation.file}:${violation.line}:${violation.column} ${violation.rule}`)).to.include.members([
          `${at('base/kafka/kafka.yaml', /runAsUser: (root)$/)} schema/resource`,
          `${at('base/schemaregistry/schemaregistry.yaml', /example\.org\/debug: (on)$/)} yaml/ambiguous-scalar`,
        ]);
        // The schema error was found in values that were never parsed, and placed from the text on demand.
        const kafka = tree.get('base/kafka/kafka.yaml')!;
        expect(parseSources(tree, written).sources.yaml.get('base/kafka/kafka.yaml')!.documents[0]!.value).to.equal(written.get(kafka)![0]);
      }
    });
  }

  it('takes a captured value as is (the same object: nothing parsed), and parses a text changed after it was written', () => {
    const { result: tree, written } = captureWrittenYaml(() => generateRepository(buildNewModel({ name: 'p' }), loadTemplates()));
    const path = 'overlays/dev/kustomization.yaml';
    const text = tree.get(path)!;
    expect(parseSources(tree, written).sources.yaml.get(path)!.documents[0]!.value).to.equal(written.get(text)![0]);
    const edited = new Map(tree).set(path, `${text}commonLabels: {edited: "yes"}\n`);
    const value = parseSources(edited, written).sources.yaml.get(path)!.documents[0]!.value as Record<string, unknown>;
    expect(value.commonLabels).to.deep.equal({ edited: 'yes' });
  });

  it('does not capture what a YAML round trip would not give back, and drops undefined like the writer', () => {
    const { written } = captureWrittenYaml(() => {
      stringifyYaml({ a: Number.NaN });
      stringifyYaml({ b: new Date(0) });
      stringifyYaml({ c: undefined, d: [undefined, 1] });
    });
    expect([...written.values()]).to.deep.equal([[{ d: [null, 1] }]]);
    // Outside a capture nothing is kept.
    stringifyYaml({ e: 1 });
    expect(written.size).to.equal(1);
  });
});
