// The tokens controller of kube-controller-manager, for legacy ServiceAccount
// token Secrets (type kubernetes.io/service-account-token): it fills in
// data.token, data["ca.crt"] and data.namespace and the ServiceAccount uid
// annotation; it deletes a token Secret whose ServiceAccount does not exist
// (or is a different one of the same name), and every token Secret of a
// ServiceAccount that is deleted. Like the real one it works from a queue,
// after the write that triggered it has returned, through the API.
import type { StoreEvent } from '../store.js';
import type { SystemClient } from '../system-client.js';
import type { KubeObject } from '../types.js';
import { SA_NAME_ANNOTATION, SA_TOKEN_SECRET_TYPE, SA_UID_ANNOTATION } from './authenticator.js';
import { KEYS } from './rbac-types.js';
import type { TokenSigner } from './sa-token.js';

export interface TokenControllerOptions {
  /** PEM of the cluster CA put in ca.crt: the CA the API server's certificate chains to. */
  caPem: string;
  /** Attempts per Secret before giving up on errors (the real default is 10). */
  maxRetries?: number;
}

interface SecretKey {
  namespace: string;
  name: string;
  uid: string;
  saName: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function annotations(o: KubeObject): Record<string, string> {
  return o.metadata.annotations ?? {};
}

function isTokenSecret(o: KubeObject): boolean {
  return o.type === SA_TOKEN_SECRET_TYPE;
}

export class TokenController {
  private readonly queue = new Map<string, SecretKey>();
  private readonly retries = new Map<string, number>();
  private readonly stops: (() => void)[] = [];
  private scheduled = false;
  private running = false;
  private readonly caData: string;
  private readonly maxRetries: number;

  constructor(
    private readonly client: SystemClient,
    private readonly signer: TokenSigner,
    opts: TokenControllerOptions,
  ) {
    this.caData = b64(opts.caPem);
    this.maxRetries = opts.maxRetries ?? 10;
  }

  start(): void {
    if (this.stops.length) return;
    this.stops.push(this.client.watch(KEYS.secrets, (ev) => this.onSecret(ev)));
    this.stops.push(this.client.watch(KEYS.serviceAccounts, (ev) => this.onServiceAccount(ev)));
    // The informers' initial list: Secrets written before the controller started.
    for (const s of this.client.list(KEYS.secrets)) if (isTokenSecret(s)) this.enqueue(s);
  }

  stop(): void {
    for (const s of this.stops.splice(0)) s();
    this.queue.clear();
  }

  /** Resolves once the queue has drained (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.scheduled || this.running || this.queue.size > 0) await new Promise<void>((r) => setImmediate(r));
  }

  private onSecret(ev: StoreEvent): void {
    if (isTokenSecret(ev.object)) this.enqueue(ev.object);
  }

  private onServiceAccount(ev: StoreEvent): void {
    if (ev.type !== 'DELETED') return;
    const sa = ev.object;
    // Every token Secret naming this ServiceAccount (and its uid, when recorded) goes with it.
    for (const s of this.client.list(KEYS.secrets, sa.metadata.namespace)) {
      const a = annotations(s);
      if (!isTokenSecret(s) || a[SA_NAME_ANNOTATION] !== sa.metadata.name) continue;
      if (a[SA_UID_ANNOTATION] && a[SA_UID_ANNOTATION] !== sa.metadata.uid) continue;
      this.enqueue(s);
    }
  }

  private enqueue(o: KubeObject): void {
    const key: SecretKey = {
      namespace: o.metadata.namespace ?? '',
      name: o.metadata.name ?? '',
      uid: o.metadata.uid ?? '',
      saName: annotations(o)[SA_NAME_ANNOTATION] ?? '',
    };
    // The real queue key needs a namespace, name, uid and ServiceAccount name; anything less is dropped.
    if (!key.namespace || !key.name || !key.uid || !key.saName) return;
    this.queue.set(`${key.namespace}/${key.name}/${key.uid}`, key);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    this.running = true;
    const batch = [...this.queue.entries()];
    this.queue.clear();
    for (const [id, key] of batch) {
      try {
        this.syncSecret(key);
        this.retries.delete(id);
      } catch {
        const n = (this.retries.get(id) ?? 0) + 1;
        if (n < this.maxRetries) {
          this.retries.set(id, n);
          this.queue.set(id, key);
        } else this.retries.delete(id);
      }
    }
    this.running = false;
    if (this.queue.size > 0) this.schedule();
  }

  private syncSecret(key: SecretKey): void {
    const secret = this.client.get(KEYS.secrets, key.namespace, key.name);
    if (!secret || secret.metadata.uid !== key.uid) {
      this.removeReference(key);
      return;
    }
    if (!isTokenSecret(secret) || secret.metadata.deletionTimestamp) return;
    const uidWanted = annotations(secret)[SA_UID_ANNOTATION];
    let sa = this.client.get(KEYS.serviceAccounts, key.namespace, key.saName);
    if (sa && uidWanted && sa.metadata.uid !== uidWanted) sa = undefined;
    if (!sa) {
      // No such ServiceAccount: the token must not exist (the real controller deletes it, uid-guarded).
      this.client.delete(KEYS.secrets, key.namespace, key.name);
      return;
    }
    const account = sa;
    this.client.modify(KEYS.secrets, key.namespace, key.name, (live) => {
      if (live.metadata.uid !== key.uid) return undefined;
      const data = { ...((live.data as Record<string, string> | undefined) ?? {}) };
      const needsCa = data['ca.crt'] !== this.caData;
      const needsNamespace = !data.namespace;
      const needsToken = !data.token;
      if (!needsCa && !needsNamespace && !needsToken) return undefined;
      if (needsCa) data['ca.crt'] = this.caData;
      if (needsNamespace) data.namespace = b64(key.namespace);
      if (needsToken) {
        const token = this.signer.sign({
          namespace: key.namespace,
          secretName: key.name,
          serviceAccountName: account.metadata.name!,
          serviceAccountUid: account.metadata.uid ?? '',
        });
        data.token = b64(token);
      }
      live.data = data;
      live.metadata.annotations = {
        ...annotations(live),
        [SA_NAME_ANNOTATION]: account.metadata.name!,
        [SA_UID_ANNOTATION]: account.metadata.uid ?? '',
      };
      return live;
    });
  }

  /** A deleted token Secret is dropped from its ServiceAccount's `secrets` list, if listed there. */
  private removeReference(key: SecretKey): void {
    const sa = this.client.get(KEYS.serviceAccounts, key.namespace, key.saName);
    const refs = sa?.secrets;
    if (!Array.isArray(refs) || !refs.some((r) => (r as { name?: string })?.name === key.name)) return;
    this.client.modify(KEYS.serviceAccounts, key.namespace, key.saName, (live) => {
      const list = Array.isArray(live.secrets) ? live.secrets : [];
      const kept = list.filter((r) => (r as { name?: string })?.name !== key.name);
      if (kept.length === list.length) return undefined;
      live.secrets = kept;
      return live;
    });
  }
}
