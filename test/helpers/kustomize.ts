import { execFileSync } from 'node:child_process';
import { onPath } from './paths.js';
import { parseAllDocuments } from 'yaml';
import type { KubeDocument } from './upstream-schemas.js';

export interface KubeResource extends KubeDocument {
  readonly apiVersion?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: Record<string, unknown>;
}


let renderer: readonly string[] | undefined;

/** `kustomize build` when a kustomize binary is on PATH, else `kubectl kustomize`. */
function kustomizeCommand(): readonly string[] {
  if (renderer) return renderer;
  if (onPath('kustomize')) renderer = ['kustomize', 'build'];
  else if (onPath('kubectl')) renderer = ['kubectl', 'kustomize'];
  else throw new Error('neither kustomize nor kubectl is on PATH: the end-to-end tests render the generated overlays for real, install one of them');
  return renderer;
}

/** Renders a kustomization folder for real and returns its resources; throws with the renderer's stderr. */
export function renderKustomization(dir: string): KubeResource[] {
  const [command, ...args] = kustomizeCommand();
  let output: string;
  try {
    output = execFileSync(command!, [...args, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${command} ${args.join(' ')} ${dir} failed: ${stderr.trim() || String(error)}`);
  }
  return parseManifests(output, `${command} ${args.join(' ')} ${dir}`);
}

/** Every non-empty YAML document of a multi-document text; throws on a YAML error. */
export function parseManifests(text: string, source: string): KubeResource[] {
  const resources: KubeResource[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    resources.push(value as KubeResource);
  }
  return resources;
}
