import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './bash.js';
import { assetsDir } from './script-text-gen.js';

const kubeconfigScript = assetsDir + 'virtwork-chaos-migration-kubeconfig.sh';
const fetchScript = assetsDir + 'virtwork-chaos-migration-fetch.sh';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl';

function tokenDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vw-token-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe('kubeconfig boot step', () => {
  it('writes a 0600 kubeconfig from token and ca.crt, and never prints the token', () => {
    const dir = tokenDir({ token: TOKEN, 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', namespace: 'virtwork' });
    const out = join(dir, 'etc', 'kubeconfig');
    const r = run(kubeconfigScript, [], { VIRTWORK_TOKEN_DIR: dir, KUBECONFIG: out, VIRTWORK_API_SERVER: 'https://10.0.0.1:6443', MIGRATION_NAMESPACE: 'chaos' });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(r.stdout).toMatch(/event=kubeconfig-written path=\S+ server=https:\/\/10\.0\.0\.1:6443 namespace=chaos/);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const kc = parseYaml(readFileSync(out, 'utf8'));
    expect(kc.clusters[0].cluster.server).toBe('https://10.0.0.1:6443');
    expect(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toContain('MIIB');
    expect(kc.users[0].user.token).toBe(TOKEN);
    expect(kc.contexts[0].context.namespace).toBe('chaos');
    expect(kc['current-context']).toBe(kc.contexts[0].name);
  });

  it('takes an http server (the simulator) without a CA, and the namespace from the token disk', () => {
    const dir = tokenDir({ token: TOKEN, namespace: 'from-disk' });
    const out = join(dir, 'kubeconfig');
    const r = run(kubeconfigScript, [], { VIRTWORK_TOKEN_DIR: dir, KUBECONFIG: out, VIRTWORK_API_SERVER: 'http://127.0.0.1:8080' });
    expect(r.status).toBe(0);
    const kc = parseYaml(readFileSync(out, 'utf8'));
    expect(kc.clusters[0].cluster).toEqual({ server: 'http://127.0.0.1:8080' });
    expect(kc.contexts[0].context.namespace).toBe('from-disk');
  });

  it.each([
    ['https without ca.crt', { token: TOKEN }, 'https://x', /ca\.crt is missing/],
    ['no token and no disk', {}, 'https://x', /no token in .* and no disk labelled vwtoken/],
    ['not a token', { token: 'not a token\n', 'ca.crt': 'x' }, 'https://x', /does not look like a ServiceAccount token/],
  ])('fails clearly: %s', (_name, files, server, message) => {
    const dir = tokenDir(files);
    const r = run(kubeconfigScript, [], { VIRTWORK_TOKEN_DIR: dir, VIRTWORK_TOKEN_WAIT: '0', KUBECONFIG: join(dir, 'kc'), VIRTWORK_API_SERVER: server });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(r.stdout).not.toContain(TOKEN);
  });
});

describe('tool fetch step', () => {
  let server: Server;
  let base = '';
  const requested: string[] = [];
  const fakeTool = '#!/bin/sh\necho "Client Version: v9.9.9"\necho "Kustomize Version: v5"\n';
  let tarball: Buffer;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vw-fetch-'));
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg', 'virtctl'), fakeTool, { mode: 0o644 });
    execFileSync('tar', ['-czf', join(dir, 'virtctl.tar.gz'), '-C', join(dir, 'pkg'), 'virtctl']);
    tarball = readFileSync(join(dir, 'virtctl.tar.gz'));
    server = createServer((req, res) => {
      requested.push(req.url ?? '');
      if (req.url?.endsWith('.tar.gz')) res.end(tarball);
      else if (req.url?.includes('/empty')) res.end('');
      else if (req.url?.includes('/html')) res.end('<html>not a binary</html>');
      else res.end(fakeTool);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => server.close());

  const arch = ({ x86_64: 'amd64', aarch64: 'arm64', s390x: 's390x' } as Record<string, string>)[execFileSync('uname', ['-m']).toString().trim()];

  it('installs the binary for this architecture after checking that it runs', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'vw-bin-'));
    const r = await runAsync([fetchScript, 'kubectl', `${base}/release/v9.9.9/bin/linux/{arch}/kubectl`], { VIRTWORK_BIN_DIR: bin });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(requested).toContain(`/release/v9.9.9/bin/linux/${arch}/kubectl`);
    expect(statSync(join(bin, 'kubectl')).mode & 0o777).toBe(0o755);
    expect(r.stdout).toContain('event=fetched tool=kubectl');
    expect(r.stdout).toContain('version="Client Version: v9.9.9"');
  });

  it('unpacks a .tar.gz (the OpenShift download)', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'vw-bin-'));
    const r = await runAsync([fetchScript, 'virtctl', `${base}/{arch}/linux/virtctl.tar.gz`], { VIRTWORK_BIN_DIR: bin });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(join(bin, 'virtctl'), 'utf8')).toBe(fakeTool);
  });

  it.each([
    ['an empty download', '/empty', /gave an empty file/],
    ['a page instead of a binary', '/html', /is not a working kubectl/],
  ])('refuses %s and installs nothing', async (_name, path, message) => {
    const bin = mkdtempSync(join(tmpdir(), 'vw-bin-'));
    const r = await runAsync([fetchScript, 'kubectl', base + path], { VIRTWORK_BIN_DIR: bin });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(message);
    expect(() => statSync(join(bin, 'kubectl'))).toThrow();
  });
});

/** The fetch script talks to this process's HTTP server, so it must not block the event loop. */
async function runAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    const p = spawn('bash', ['--norc', '--noprofile', ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
