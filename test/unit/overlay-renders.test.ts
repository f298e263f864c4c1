import { expect } from 'chai';
import { writeTree } from '../../src/adapters/fs.js';
import { findKustomize, findKustomizeAsync, type KustomizeRenderer } from '../../src/adapters/kustomize.js';
import { loadTemplates } from '../../src/adapters/templates.js';
import { RenderQueue } from '../../src/adapters/overlay-renders.js';
import { generateRepository } from '../../src/generator/repository.js';
import { buildNewModel } from '../../src/model/build.js';
import { ToolNotFoundError } from '../../src/errors.js';
import { makeTempDir, removeTempDirs } from '../helpers/cli.js';

/** The change flow's renders (decision 95), with the real Kustomize the end-to-end tests need too. */
describe('overlay renders: concurrent Kustomize child processes, in place or from a scratch copy', function () {
  this.timeout(60_000);
  const tree = generateRepository(buildNewModel({ name: 'p' }), loadTemplates());
  const overlays = ['overlays/dev', 'overlays/staging', 'overlays/prod'];
  let root: string;
  let renderer: KustomizeRenderer;

  before(() => {
    root = makeTempDir('cp-gitops-renders-');
    writeTree(root, tree);
    renderer = findKustomize();
  });
  after(removeTempDirs);

  it('findKustomizeAsync chooses what findKustomize chooses, and fails the same way without either on PATH', async () => {
    expect((await findKustomizeAsync()).command).to.equal(renderer.command);
    let failure: unknown;
    await findKustomizeAsync({ PATH: makeTempDir('cp-gitops-empty-path-') }).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(ToolNotFoundError);
    expect(() => findKustomize({ PATH: makeTempDir('cp-gitops-empty-path-') })).to.throw(ToolNotFoundError);
  });

  it('in place and from a scratch copy give the bytes of one synchronous render per overlay; an overlay the tree lacks renders empty', async () => {
    const queue = new RenderQueue(renderer, new AbortController().signal);
    const inPlace = await queue.renderInPlace(root, tree, [...overlays, 'overlays/qa']);
    const scratch = await queue.renderInScratch(tree, overlays);
    for (const overlay of overlays) {
      const expected = renderer.render(`${root}/${overlay}`);
      expect(expected).to.include('kind: Kafka');
      expect(inPlace.get(overlay)).to.equal(expected);
      expect(scratch.get(overlay)).to.equal(expected);
    }
    expect(inPlace.get('overlays/qa')).to.equal('');
  });

  it('runs at most `limit` Kustomize processes at once, and keeps the overlays\' order', async () => {
    let running = 0;
    let most = 0;
    const counting: KustomizeRenderer = {
      command: renderer.command,
      render: (dir) => renderer.render(dir),
      async renderAsync(dir, signal) {
        most = Math.max(most, ++running);
        try {
          return await renderer.renderAsync(dir, signal);
        } finally {
          running--;
        }
      },
    };
    const queue = new RenderQueue(counting, new AbortController().signal, 2);
    const many = [...overlays, ...overlays];
    const outputs = await Promise.all(many.map((overlay) => queue.render(root, tree, overlay)));
    expect(most).to.equal(2);
    const expected = new Map(overlays.map((overlay) => [overlay, renderer.render(`${root}/${overlay}`)]));
    expect(outputs).to.deep.equal(many.map((overlay) => expected.get(overlay)));
  });

  it('a failed render says which command and folder, with Kustomize\'s own words, as the synchronous one does', async () => {
    const broken = new Map(tree);
    broken.set('overlays/dev/kustomization.yaml', 'resources:\n  - missing.yaml\n');
    const dir = makeTempDir('cp-gitops-broken-');
    writeTree(dir, broken);
    let syncError = '';
    try {
      renderer.render(`${dir}/overlays/dev`);
    } catch (error) {
      syncError = (error as Error).message;
    }
    let asyncError = '';
    await new RenderQueue(renderer, new AbortController().signal).render(dir, broken, 'overlays/dev').catch((error: Error) => (asyncError = error.message));
    expect(syncError).to.include('missing.yaml').and.include(`${renderer.command} ${dir}/overlays/dev failed:`);
    // klog's prefix (E<date> <time> <pid>) differs from run to run; the rest is the same.
    const withoutLogPrefix = (message: string) => message.replace(/\b[EWI]\d{4} [\d:.]+\s+\d+ /g, '');
    expect(withoutLogPrefix(asyncError)).to.equal(withoutLogPrefix(syncError));
  });

  it('an aborted signal stops the renders: the promise rejects instead of waiting for Kustomize', async () => {
    const stop = new AbortController();
    const pending = new RenderQueue(renderer, stop.signal).render(root, tree, 'overlays/dev');
    stop.abort();
    let failure: unknown;
    await pending.catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
