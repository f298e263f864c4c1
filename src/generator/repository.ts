import { serializePlatformModel } from '../model/serialize.js';
import type { PlatformModel } from '../model/types.js';
import { generateArgoCd } from './argocd.js';
import { generateBases } from './base.js';
import { fileTree, type FileTree } from './file-tree.js';
import { layout } from './layout.js';
import { generateOverlays } from './overlays.js';
import { generateReadme } from './readme.js';
import type { Templates } from './templates.js';

/**
 * The whole repository for a model: pure and deterministic (same model and templates, same bytes).
 * Nothing here touches the disk; src/adapters/fs.ts writes the tree once it is complete.
 */
export function generateRepository(model: PlatformModel, templates: Templates): FileTree {
  return fileTree([
    [layout.model, serializePlatformModel(model)],
    [layout.readme, generateReadme(model, templates)],
    [layout.gitignore, ['# Rendered output and editor files; manifests are reviewed as source, never rendered into the repository.', 'rendered/', '.DS_Store', '*.swp', ''].join('\n')],
    ...generateBases(model, templates),
    ...generateOverlays(model, templates),
    ...generateArgoCd(model),
  ]);
}
