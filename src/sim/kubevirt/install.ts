// Installs simulated KubeVirt on the API server: its kinds (before the server
// listens), then its objects and controllers (after), as virt-operator and
// HCO leave a cluster.
import { timestamp } from '../api/object-meta.js';
import type { ApiServer } from '../api/server.js';
import { CdiController } from './cdi.js';
import { ControllerVmRunner } from './controller-vm.js';
import { SimClock } from './clock.js';
import { type Flavor, KUBEVIRT_KEY, KubeVirtContext, type KubeVirtOptions, MIGRATION_DEFAULTS } from './context.js';
import { EventRecorder } from './events.js';
import { EvacuationController, drainNode } from './evacuation.js';
import { DATAVOLUME, KUBEVIRT, VM, VMI, VMIM } from './kinds.js';
import { registerKubeVirtAdmission } from './admission.js';
import { MigrationController } from './migration-controller.js';
import { HCO_LIVE_MIGRATION_CONFIG, registerOpenShiftKinds, seedOpenShift } from './openshift.js';
import { PodIps } from './pod-ips.js';
import { kubevirtClusterRoleBindings, kubevirtClusterRoles } from './rbac-roles.js';
import { Scheduler } from './scheduler.js';
import { type SeedOptions, seedVirtwork } from './seed.js';
import { migrate, subresourcesExtension } from './subresources.js';
import { VmController } from './vm-controller.js';
import { VmiController } from './vmi-controller.js';

export interface KubeVirtStartOptions extends KubeVirtOptions {
  speed: number;
  seed: number;
  log: (line: string) => void;
  /** Run the chaos-migration controller VM's real script (default true). */
  runControllerVms?: boolean;
  /** Extra environment for that script (tests shorten its periods). */
  controllerEnv?: Record<string, string>;
}

/** Adds KubeVirt's (and OpenShift's) kinds and webhooks; call before the server listens. */
export function registerKubeVirtKinds(api: ApiServer, flavor: Flavor): void {
  for (const rt of [VM, VMI, VMIM, KUBEVIRT, DATAVOLUME]) api.addKind(rt);
  if (flavor === 'openshift') registerOpenShiftKinds(api);
}

export class KubeVirtSim {
  readonly ctx: KubeVirtContext;
  readonly scheduler: Scheduler;
  private readonly ips: PodIps;
  private readonly stoppers: (() => void)[] = [];

  constructor(
    api: ApiServer,
    private readonly opts: KubeVirtStartOptions,
  ) {
    const clock = new SimClock(opts.speed, opts.seed);
    this.ctx = new KubeVirtContext(api, clock, opts, new EventRecorder(api.client), opts.log);
    registerKubeVirtAdmission(this.ctx);
    api.addExtension(subresourcesExtension(this.ctx));
    this.scheduler = new Scheduler(this.ctx);
    this.ips = new PodIps(opts.flavor);
    this.stoppers.push(() => clock.stop(), () => this.scheduler.stop());
  }

  /** Creates what virt-operator deploys, then starts the controllers. */
  start(): void {
    this.installObjects();
    const controllers: { stop(): void }[] = [
      new VmiController(this.ctx, this.scheduler, this.ips),
      new VmController(this.ctx),
      new CdiController(this.ctx),
      new MigrationController(this.ctx, this.scheduler, this.ips),
      new EvacuationController(this.ctx),
    ];
    if (this.opts.runControllerVms !== false) controllers.push(new ControllerVmRunner(this.ctx, this.opts.controllerEnv));
    for (const c of controllers) this.stoppers.push(() => c.stop());
  }

  stop(): void {
    for (const s of this.stoppers.splice(0).reverse()) s();
  }

  seed(opts: SeedOptions): string {
    return seedVirtwork(this.ctx, this.scheduler, this.ips, opts);
  }

  /** Cordons a node and taints it with KubeVirt's drain key: VMIs that may live-migrate are evacuated. */
  drain(node: string): void {
    drainNode(this.ctx, node);
  }

  /** What `virtctl migrate` asks virt-api for (no RBAC: in-process callers are trusted). */
  migrate(namespace: string, vm: string): void {
    migrate(this.ctx, namespace, vm);
  }

  private installObjects(): void {
    const { client, installNamespace: ns, options } = this.ctx;
    if (!client.get('namespaces', undefined, ns)) client.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const r of kubevirtClusterRoles(this.ctx)) client.create('clusterroles.rbac.authorization.k8s.io', r);
    for (const b of kubevirtClusterRoleBindings()) client.create('clusterrolebindings.rbac.authorization.k8s.io', b);
    const openshift = options.flavor === 'openshift';
    const configuration: Record<string, unknown> = {
      developerConfiguration: { featureGates: [] },
      migrations: openshift ? { ...HCO_LIVE_MIGRATION_CONFIG } : { ...MIGRATION_DEFAULTS },
    };
    const eviction = options.evictionStrategy ?? (openshift ? 'LiveMigrate' : undefined);
    if (eviction) configuration.evictionStrategy = eviction;
    const cr = client.create(KUBEVIRT_KEY, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'KubeVirt',
      metadata: {
        name: this.ctx.crName,
        namespace: ns,
        labels: openshift ? { app: 'kubevirt-hyperconverged', 'app.kubernetes.io/managed-by': 'hco-operator', 'app.kubernetes.io/part-of': 'hyperconverged-cluster' } : {},
      },
      spec: {
        certificateRotateStrategy: {},
        configuration,
        customizeComponents: {},
        imagePullPolicy: 'IfNotPresent',
        workloadUpdateStrategy: { workloadUpdateMethods: ['LiveMigrate'] },
      },
    });
    const now = timestamp();
    const v = this.ctx.gitVersion;
    client.update(
      KUBEVIRT_KEY,
      {
        ...cr,
        status: {
          phase: 'Deployed',
          observedKubeVirtVersion: v,
          targetKubeVirtVersion: v,
          operatorVersion: v,
          observedKubeVirtRegistry: openshift ? 'registry.redhat.io/container-native-virtualization' : 'quay.io/kubevirt',
          targetKubeVirtRegistry: openshift ? 'registry.redhat.io/container-native-virtualization' : 'quay.io/kubevirt',
          defaultArchitecture: 'amd64',
          conditions: [
            { type: 'Available', status: 'True', reason: 'AllComponentsReady', message: 'All components are ready.', lastProbeTime: now, lastTransitionTime: now },
            { type: 'Progressing', status: 'False', reason: 'AllComponentsReady', message: 'All components are ready.', lastProbeTime: now, lastTransitionTime: now },
            { type: 'Degraded', status: 'False', reason: 'AllComponentsReady', message: 'All components are ready.', lastProbeTime: now, lastTransitionTime: now },
          ],
        },
      },
      { subresource: 'status' },
    );
    if (openshift) seedOpenShift(this.ctx.api, ns, '4.20.4');
  }
}
