// Reading what a VM would boot with, as cloud-init and systemd read it: the
// cloud-config user data from its NoCloud source, write_files entries, and a
// unit's Environment= assignments.
import { parse as parseYaml } from 'yaml';
import type { SystemClient } from '../api/system-client.js';
import type { KubeObject } from '../api/types.js';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The user data of a VMI's cloudInitNoCloud volume (inline, base64, or from its Secret). */
export function userData(client: SystemClient, vmi: KubeObject): string | undefined {
  const vol = ((vmi as Any).spec?.volumes ?? []).find((v: Any) => v.cloudInitNoCloud)?.cloudInitNoCloud;
  if (!vol) return undefined;
  if (typeof vol.userData === 'string') return vol.userData;
  if (typeof vol.userDataBase64 === 'string') return Buffer.from(vol.userDataBase64, 'base64').toString('utf8');
  const name = vol.secretRef?.name;
  if (!name) return undefined;
  const secret = client.get('secrets', vmi.metadata.namespace, name) as Any | undefined;
  const data = secret?.data?.userdata ?? secret?.data?.userData;
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}

/** write_files of a #cloud-config document, by path (content decoded as cloud-init does). */
export function writeFiles(cloudConfig: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!cloudConfig.startsWith('#cloud-config')) return out;
  let doc: Any;
  try {
    doc = parseYaml(cloudConfig) as Any;
  } catch {
    return out;
  }
  for (const f of doc?.write_files ?? []) {
    if (typeof f?.path !== 'string' || typeof f?.content !== 'string') continue;
    const enc = String(f.encoding ?? '').toLowerCase();
    out.set(f.path, enc === 'b64' || enc === 'base64' ? Buffer.from(f.content, 'base64').toString('utf8') : f.content);
  }
  return out;
}

/** The data of a Secret, decoded. */
export function secretFiles(client: SystemClient, namespace: string, name: string): Record<string, string> | undefined {
  const secret = client.get('secrets', namespace, name) as Any | undefined;
  if (!secret) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(String(v), 'base64').toString('utf8');
  return out;
}

/** Splits one Environment= value into assignments with systemd's quoting rules. */
function splitAssignments(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < value.length) {
    while (value[i] === ' ') i++;
    if (i >= value.length) break;
    let word = '';
    if (value[i] === '"' || value[i] === "'") {
      const q = value[i++];
      while (i < value.length && value[i] !== q) {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        word += value[i++];
      }
      i++;
    } else {
      while (i < value.length && value[i] !== ' ') word += value[i++];
    }
    words.push(word);
  }
  return words;
}

/** The environment a unit's [Service] section sets (specifier `%%` unescaped). */
export function unitEnvironment(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of unit.split('\n')) {
    const m = /^Environment=(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const a of splitAssignments(m[1]!)) {
      const eq = a.indexOf('=');
      if (eq > 0) env[a.slice(0, eq)] = a.slice(eq + 1).replaceAll('%%', '%');
    }
  }
  return env;
}
