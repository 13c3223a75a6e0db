// Raw HTTPS requests and watch streams against a simulated API server, for
// tests that must see exactly what goes over the wire (status codes, Status
// bodies, JSON-lines watch events) rather than what a client library makes of it.
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ServerRef {
  url: string;
  caPem: string;
  adminToken: string;
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface RawOptions {
  /** Bearer token; the admin's by default, null for none. */
  token?: string | null;
  body?: string | Buffer | object;
  /** Content-Type; `application/json` for object bodies by default, null to send none. */
  contentType?: string | null;
  accept?: string;
  headers?: Record<string, string>;
}

function headersFor(api: ServerRef, o: RawOptions, body: Buffer | undefined): Record<string, string> {
  const h: Record<string, string> = { ...(o.headers ?? {}) };
  const token = o.token === undefined ? api.adminToken : o.token;
  if (token !== null) h.Authorization = `Bearer ${token}`;
  if (o.accept) h.Accept = o.accept;
  if (body) {
    const ct = o.contentType === undefined ? 'application/json' : o.contentType;
    if (ct !== null) h['Content-Type'] = ct;
    h['Content-Length'] = String(body.length);
  }
  return h;
}

function bodyBuffer(b: RawOptions['body']): Buffer | undefined {
  if (b === undefined) return undefined;
  if (Buffer.isBuffer(b)) return b;
  return Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
}

/** One request; resolves with whatever the server answered (never throws on a status code). */
export function raw(api: ServerRef, method: string, path: string, o: RawOptions = {}): Promise<RawReply> {
  const body = bodyBuffer(o.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, api.url), { method, ca: api.caPem, headers: headersFor(api, o, body), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface WatchEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

export interface WatchStream {
  status: number;
  headers: IncomingHttpHeaders;
  events: WatchEvent[];
  /** Lines that were not one JSON object each (should stay empty). */
  badLines: string[];
  /** Resolves when the server ends the stream: 'end' for a clean end, 'reset' when the connection was cut. */
  ended: Promise<'end' | 'reset'>;
  /** Waits for an event matching `pred` (looking at events already received too). */
  next(pred: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  close(): void;
}

/** Opens a watch (`watch=true` must be in the path) and collects its JSON-lines events. */
export function openWatch(api: ServerRef, path: string, o: RawOptions = {}): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(new URL(path, api.url), { method: 'GET', ca: api.caPem, headers: headersFor(api, o, undefined), agent: false }, (res) => {
      const events: WatchEvent[] = [];
      const badLines: string[] = [];
      const waiters: { pred: (e: WatchEvent) => boolean; done: (e: WatchEvent) => void }[] = [];
      let buffer = '';
      let endedHow: 'end' | 'reset' | undefined;
      const ended = new Promise<'end' | 'reset'>((r) => {
        res.on('end', () => r((endedHow ??= 'end')));
        res.on('aborted', () => r((endedHow ??= 'reset')));
        res.on('error', () => r((endedHow ??= 'reset')));
        res.on('close', () => r((endedHow ??= res.complete ? 'end' : 'reset')));
      });
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          if (!line.trim()) continue;
          let ev: WatchEvent;
          try {
            ev = JSON.parse(line) as WatchEvent;
          } catch {
            badLines.push(line);
            continue;
          }
          events.push(ev);
          for (const w of [...waiters]) {
            if (w.pred(ev)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.done(ev);
            }
          }
        }
      });
      const stream: WatchStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        badLines,
        ended,
        next(pred, timeoutMs = 5000) {
          const seen = events.find(pred);
          if (seen) return Promise.resolve(seen);
          return new Promise((done, fail) => {
            const t = setTimeout(() => fail(new Error(`no matching watch event within ${timeoutMs} ms; got ${JSON.stringify(events.map((e) => e.type))}`)), timeoutMs);
            waiters.push({ pred, done: (e) => (clearTimeout(t), done(e)) });
          });
        },
        close: () => req.destroy(),
      };
      resolve(stream);
    });
    req.on('error', (e) => reject(e));
    req.end();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5000, stepMs = 25): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}
