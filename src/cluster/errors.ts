// Turns what client-node throws into one sentence a user can act on: an
// unreachable server, a TLS failure, expired or missing credentials, a denial,
// a missing object. Never a stack trace.
import { ApiException } from '@kubernetes/client-node';

/** A failure the cluster layer explains in one sentence; `status` is the HTTP code when there was one. */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
}

/** The Status a failed request answered with, when the body is one. */
export function statusOf(e: unknown): StatusBody | undefined {
  if (!(e instanceof ApiException)) return undefined;
  const body: unknown = e.body;
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed && typeof parsed === 'object') return parsed as StatusBody;
    } catch {
      // not JSON: fall through
    }
  }
  return undefined;
}

export function httpStatus(e: unknown): number | undefined {
  if (e instanceof ClusterError) return e.status;
  return e instanceof ApiException ? e.code : undefined;
}

export function isNotFound(e: unknown): boolean {
  return httpStatus(e) === 404;
}

export function isConflict(e: unknown): boolean {
  return httpStatus(e) === 409;
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/**
 * What a 404 from a KubeVirt kind means. One sentence whichever request
 * noticed first (virt-operator installs KubeVirt's kinds together, and the
 * VMI and VMIM lists race), so the live and one-shot views say the same.
 */
export function noKubeVirtMessage(server: string): string {
  return `the cluster at ${server} does not serve VirtualMachineInstances (kubevirt.io/v1): KubeVirt is not installed, or not ready`;
}

/** One sentence for any error from a request to `server` (the API server's address). */
export function describeError(e: unknown, server: string): string {
  if (e instanceof ClusterError) return e.message;
  const code = (e as { code?: unknown }).code;
  if (e instanceof ApiException) {
    const st = statusOf(e);
    if (e.code === 401) {
      return `The API server at ${server} refused the credentials in your kubeconfig (401 Unauthorized): the token or certificate is missing, wrong or expired; log in again (oc login / refresh your kubeconfig).`;
    }
    if (st?.message) return `${st.message} (${e.code}${st.reason ? ` ${st.reason}` : ''})`;
    return `The API server at ${server} answered ${e.code}.`;
  }
  if (typeof code === 'string') {
    if (code === 'ECONNREFUSED') return `Cannot reach the API server at ${server}: connection refused. Is the cluster up, and is this the right context?`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `Cannot reach the API server at ${server}: its host name does not resolve. Check the server address in your kubeconfig.`;
    if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return `Cannot reach the API server at ${server} (${code}). Check your network or VPN and that the cluster is up.`;
    }
    if (TLS_CODES.has(code) || /certificate|ssl|tls/i.test(String((e as Error).message))) {
      return `The TLS connection to ${server} failed (${code}): the server's certificate is not trusted by your kubeconfig's certificate-authority. Check certificate-authority-data, or the server address.`;
    }
  }
  const msg = e instanceof Error ? e.message : String(e);
  return `Request to ${server} failed: ${msg.split('\n')[0]}`;
}
