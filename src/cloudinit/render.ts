// What `render` outputs, as strings: one multi-document YAML stream or a JSON
// List (both in apply order), or the files of `--output-dir`:
//   manifests/NN-<kind>-<name>.yaml   names sort in apply order, so
//                                     `kubectl apply -f DIR/manifests` works
//   virtwork-chaos-migration.sh, virtwork-chaos-migration.service,
//   cloud-init.yaml, and the two helper scripts cloud-init also installs.
// Nothing here reads or writes anything.

import { Document, isMap, isSeq } from 'yaml';
import { renderCloudConfig } from './cloud-config.js';
import { type K8sObject, renderManifests, roleRules } from './manifests.js';
import { UNIT_FILE_NAME } from './names.js';
import { scriptFiles } from './script.js';
import type { Settings } from './settings.js';
import { renderUnit } from './unit.js';

export type OutputFormat = 'yaml' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['yaml', 'json'];

export interface RenderedFile {
  /** Relative to the output directory, `/`-separated. */
  path: string;
  content: string;
  executable: boolean;
}

/** One YAML document; a Role carries each rule's reason as a comment. */
export function objectYaml(obj: K8sObject, s: Settings): string {
  const doc = new Document(obj);
  if (obj.kind === 'Role') {
    const rules = doc.get('rules', true);
    const reasons = roleRules(s.trigger).map((r) => r.reason);
    if (isSeq(rules)) {
      rules.items.forEach((item, i) => {
        const why = reasons[i];
        if (why !== undefined && isMap(item)) item.commentBefore = ` ${why}`;
      });
    }
  }
  return doc.toString({ lineWidth: 0 });
}

/** `kubectl apply -f -` input: every object, in apply order. */
export function renderYamlStream(s: Settings, objects: K8sObject[] = renderManifests(s)): string {
  return objects.map((o) => '---\n' + objectYaml(o, s)).join('');
}

/** The same objects as one v1 List. */
export function renderJsonList(objects: K8sObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2) + '\n';
}

export function renderStdout(s: Settings, format: OutputFormat): string {
  const objects = renderManifests(s);
  return format === 'json' ? renderJsonList(objects) : renderYamlStream(s, objects);
}

/** `NN-<kind>-<name>.<ext>`, NN from 01 in apply order. */
export function manifestFileName(index: number, obj: K8sObject, ext: OutputFormat): string {
  return `${String(index + 1).padStart(2, '0')}-${obj.kind.toLowerCase()}-${obj.metadata.name}.${ext}`;
}

/** The files of `render --output-dir DIR`, manifests in `format`. */
export function renderFiles(s: Settings, format: OutputFormat = 'yaml'): RenderedFile[] {
  const manifests = renderManifests(s).map((o, i) => ({
    path: `manifests/${manifestFileName(i, o, format)}`,
    content: format === 'json' ? JSON.stringify(o, null, 2) + '\n' : objectYaml(o, s),
    executable: false,
  }));
  const scripts = scriptFiles().map((f) => ({
    path: f.path.slice(f.path.lastIndexOf('/') + 1),
    content: f.content,
    executable: true,
  }));
  return [
    ...manifests,
    ...scripts,
    { path: UNIT_FILE_NAME, content: renderUnit(s), executable: false },
    { path: 'cloud-init.yaml', content: renderCloudConfig(s), executable: false },
  ];
}
