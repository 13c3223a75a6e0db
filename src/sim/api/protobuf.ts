// Reads Kubernetes protobuf request bodies. kubectl 1.32+ sends typed-client
// writes (auth can-i, imperative `kubectl create <kind>`) as
// application/vnd.kubernetes.protobuf instead of JSON; the simulated server
// turns them into the JSON object a JSON client would have sent so the rest of
// the request path never sees protobuf.

import protobuf from 'protobufjs/light.js';
import { badRequest, StatusError } from './errors.js';
import { descriptor, kindTypes, pointerFields } from './protobuf-schema.js';
import type { Json, JsonObject } from './types.js';

const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
/** "k8s\0": every Kubernetes protobuf body starts with it, ahead of a runtime.Unknown. */
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const root = protobuf.Root.fromJSON(descriptor);
const unknownType = root.lookupType('runtime.Unknown');

/** Raised for a well-formed envelope around a kind this server cannot decode: callers answer 415. */
export class UnsupportedProtobufKind extends Error {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`protobuf request bodies of kind ${kind} (${apiVersion}) are not supported; send application/json`);
    this.name = 'UnsupportedProtobufKind';
  }
}

export function isProtobufContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  const mediaType = ct.split(';', 1)[0] ?? '';
  return mediaType.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE;
}

/**
 * Decodes a k8s protobuf envelope; returns the object as the JSON a client
 * would have sent (apiVersion, kind, metadata, ...), or throws
 * UnsupportedProtobufKind for kinds it cannot decode, and a StatusError
 * badRequest for malformed bytes.
 */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  try {
    const envelope = unknownType.decode(body.subarray(MAGIC.length)) as unknown as Envelope;
    const apiVersion = envelope.typeMeta?.apiVersion ?? '';
    const kind = envelope.typeMeta?.kind ?? '';
    // Same checks and wording as apimachinery's protobuf serializer.
    if (!kind) throw badRequest(`Object 'Kind' is missing in protobuf body`);
    if (!apiVersion) throw badRequest(`Object 'apiVersion' is missing in protobuf body`);
    const typeName = kindTypes[`${apiVersion}/${kind}`];
    if (!typeName) throw new UnsupportedProtobufKind(apiVersion, kind);
    const type = root.lookupType(typeName);
    const fields = messageToJson(type, type.decode(envelope.raw ?? new Uint8Array()));
    // Go's JSON always has metadata for top-level kinds, even when empty.
    return { apiVersion, kind, metadata: fields['metadata'] ?? {}, ...fields };
  } catch (e) {
    if (e instanceof StatusError || e instanceof UnsupportedProtobufKind) throw e;
    throw badRequest(`failed to decode protobuf request body: ${e instanceof Error ? e.message : String(e)}`);
  }
}

interface Envelope {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
}

/**
 * protobufjs marks presence with own properties; Go marshals plain fields even
 * at their zero value, so presence alone would turn every unset string into
 * "". Zero values are therefore dropped, except for Go pointer fields.
 */
function messageToJson(type: protobuf.Type, message: object): JsonObject {
  const src = message as Record<string, unknown>;
  const out: JsonObject = {};
  const typeName = type.fullName.slice(1);
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(src, field.name)) continue;
    const value = fieldToJson(field, src[field.name]);
    if (value === undefined) continue;
    if (isZero(value) && !pointerFields.has(`${typeName}.${field.name}`)) continue;
    out[field.name] = value;
  }
  return out;
}

function fieldToJson(field: protobuf.Field, value: unknown): Json | undefined {
  // Map values and list items are kept even when empty: {"key": ""} and
  // apiGroups [""] mean something.
  if (field.map) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = valueToJson(field, v) ?? null;
    return out;
  }
  if (field.repeated) return (value as unknown[]).map((v) => valueToJson(field, v) ?? null);
  return valueToJson(field, value);
}

function valueToJson(field: protobuf.Field, value: unknown): Json | undefined {
  const nested = field.resolvedType;
  if (nested instanceof protobuf.Type) {
    switch (nested.fullName) {
      case '.meta.Time':
        return timeToJson(value as { seconds?: unknown; nanos?: number });
      case '.meta.FieldsV1':
        return fieldsV1ToJson(value as { Raw?: Uint8Array });
      default:
        return messageToJson(nested, value as object);
    }
  }
  switch (field.type) {
    case 'bytes':
      // Like the JSON API: []byte travels as standard base64.
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'int64':
      // protobufjs hands int64 over as a Long; Kubernetes JSON uses plain numbers.
      return Number(value);
    default:
      return value as Json;
  }
}

/** metav1.Time goes out as RFC3339 at second precision, UTC; a zero Time is sent as an empty message. */
function timeToJson(t: { seconds?: unknown; nanos?: number }): string | undefined {
  if (!Object.hasOwn(t, 'seconds') && !Object.hasOwn(t, 'nanos')) return undefined;
  const seconds = Number(t.seconds ?? 0);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** FieldsV1 carries its JSON text as raw bytes, and the JSON API inlines it. */
function fieldsV1ToJson(f: { Raw?: Uint8Array }): Json | undefined {
  if (!f.Raw || f.Raw.length === 0) return undefined;
  return JSON.parse(Buffer.from(f.Raw).toString('utf8')) as Json;
}

function isZero(value: Json): boolean {
  if (value === '' || value === 0 || value === false || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value).length === 0;
}
