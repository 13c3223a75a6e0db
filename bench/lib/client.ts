// A minimal HTTPS client for the benchmark: keep-alive requests (as client-go
// and client-node reuse connections) and JSON-lines watch streams.
import { Agent, request } from 'node:https';
import type { ServerInfo } from './server-process.js';

export class BenchClient {
  private readonly agent: Agent;

  constructor(private readonly server: ServerInfo) {
    // A few long-lived connections, as client-go multiplexes over one: when the
    // server lags, requests queue here instead of each paying a TLS handshake.
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, ca: server.caPem });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${this.server.adminToken}`, Accept: 'application/json', ...extra };
  }

  /** One request; resolves with the status and the whole body as text. */
  send(method: string, path: string, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
    const headers = this.headers(body === undefined ? {} : { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(body)) });
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.server.url), { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Opens a watch; calls onEvent for every line. Returns a function that closes it. */
  watch(path: string, onEvent: (ev: { type: string; object: { metadata: { name: string }; data?: Record<string, string> } }) => void): Promise<() => void> {
    return new Promise((resolve, reject) => {
      // Each watch holds its connection for good: give it its own socket.
      const req = request(new URL(path, this.server.url), { method: 'GET', agent: false, ca: this.server.caPem, headers: this.headers() }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`watch answered ${res.statusCode}`));
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, nl);
            buffered = buffered.slice(nl + 1);
            if (line) onEvent(JSON.parse(line));
          }
        });
        res.on('error', () => {});
        resolve(() => req.destroy());
      });
      req.on('error', () => {});
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
