// Which patch flavour a PATCH request's Content-Type asks for.

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/**
 * The patch type for a Content-Type header, parameters (`; charset=utf-8`)
 * ignored as the server does. `application/apply-patch+cbor` is only served
 * behind the CBOR feature gate, so it is not recognised here: the caller
 * answers 415 for it like for any other unknown type.
 */
export function patchTypeFromContentType(ct: string | undefined): PatchType | undefined {
  if (!ct) return undefined;
  const idx = ct.indexOf(';');
  const base = (idx > 0 ? ct.slice(0, idx) : ct).trim().toLowerCase();
  return TYPES[base];
}
