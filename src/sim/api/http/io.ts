// Reading request bodies in the media types a real apiserver accepts, and
// writing JSON answers and Status errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StatusError, badRequest, unsupportedMediaType } from '../errors.js';
import { UnsupportedProtobufKind, decodeProtobufObject, isProtobufContentType } from '../protobuf.js';

/** The apiserver's default request body limit. */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function parseYamlBody(body: Buffer): unknown {
  try {
    return parseYaml(body.toString('utf8'), { uniqueKeys: true });
  } catch (e) {
    throw badRequest(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Decodes an object body (create, update, SelfSubjectAccessReview). A body with no Content-Type is JSON. */
export function decodeObjectBody(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const ct = mediaType(req);
  let decoded: unknown;
  if (ct === '' || ct === 'application/json') decoded = parseJson(body);
  else if (ct === 'application/yaml') decoded = parseYamlBody(body);
  else if (isProtobufContentType(ct)) {
    try {
      decoded = decodeProtobufObject(body);
    } catch (e) {
      if (e instanceof UnsupportedProtobufKind) throw unsupportedMediaType(ct);
      throw e;
    }
  } else throw unsupportedMediaType(ct);
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw badRequest(`Object 'Kind' is missing in '${body.toString('utf8').slice(0, 200)}'`);
  }
  return decoded as Record<string, unknown>;
}

/** Decodes a patch body: JSON for json/merge/strategic patches, YAML or JSON for apply. */
export function decodePatchBody(type: 'json' | 'merge' | 'strategic' | 'apply', body: Buffer): unknown {
  if (type === 'apply') return parseYamlBody(body);
  return parseJson(body);
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, warnings: string[] = []): void {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const h: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers };
  if (warnings.length > 0) h.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(status, h);
  res.end(text);
}

export function sendError(res: ServerResponse, e: StatusError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, e.code, e.toStatus(), e.headers);
}
