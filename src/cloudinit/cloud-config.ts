// The controller VM's cloud-config (#cloud-config user data): write_files for
// the scripts and the unit, runcmd that installs the pinned kubectl (and
// virtctl for the virtctl trigger) for the VM's architecture, then enables
// the service. Downloads run through a checked script rather than raw curl
// lines, so a bad URL fails with a clear journal line instead of installing
// an HTML error page as a binary.

import { stringify } from 'yaml';
import { FETCH_SCRIPT_PATH, UNIT_FILE_NAME, UNIT_PATH } from './names.js';
import { scriptFiles } from './script.js';
import type { Settings } from './settings.js';
import { renderUnit } from './unit.js';

export interface ToolDownload {
  name: 'kubectl' | 'virtctl';
  /** `{arch}` becomes amd64, arm64 or s390x in the VM. */
  url: string;
}

export function virtctlUrl(s: Settings): string {
  const v = s.virtctlVersion;
  return s.virtctlUrl ?? `https://github.com/kubevirt/kubevirt/releases/download/${v}/virtctl-${v}-linux-{arch}`;
}

export function kubectlUrl(s: Settings): string {
  return s.kubectlUrl ?? `https://dl.k8s.io/release/${s.kubectlVersion}/bin/linux/{arch}/kubectl`;
}

/** kubectl always; virtctl only for the virtctl trigger (vmim exists for clusters without one). */
export function toolDownloads(s: Settings): ToolDownload[] {
  const tools: ToolDownload[] = [{ name: 'kubectl', url: kubectlUrl(s) }];
  if (s.trigger === 'virtctl') tools.push({ name: 'virtctl', url: virtctlUrl(s) });
  return tools;
}

export interface CloudConfig {
  write_files: { path: string; permissions: string; owner: string; content: string }[];
  runcmd: string[][];
}

export function cloudConfig(s: Settings): CloudConfig {
  return {
    write_files: [
      ...scriptFiles().map((f) => ({ path: f.path, permissions: '0755', owner: 'root:root', content: f.content })),
      { path: UNIT_PATH, permissions: '0644', owner: 'root:root', content: renderUnit(s) },
    ],
    // Argument lists, not shell lines: cloud-init quotes each element.
    runcmd: [
      ...toolDownloads(s).map((t) => [FETCH_SCRIPT_PATH, t.name, t.url]),
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', UNIT_FILE_NAME],
    ],
  };
}

export function renderCloudConfig(s: Settings): string {
  return '#cloud-config\n' + stringify(cloudConfig(s), { lineWidth: 0 });
}
