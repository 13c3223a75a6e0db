// What an OpenShift Virtualization cluster adds that the product meets: the
// OpenShift API groups in discovery, the ClusterVersion, and the
// ConsoleCLIDownload through which the cluster serves virtctl itself.
import { ALL_VERBS, type ResourceType } from '../api/resource-type.js';
import type { ApiServer } from '../api/server.js';
import type { KubeObject } from '../api/types.js';
import { CONSOLE_CLI_DOWNLOAD } from './kinds.js';

export const INGRESS_DOMAIN = 'apps.virt.ocp.example.com';
export const CLI_DOWNLOAD_NAME = 'virtctl-clidownloads-kubevirt-hyperconverged';

const unvalidated = (group: string, version: string, resource: string, kind: string, namespaced: boolean, extra: Partial<ResourceType> = {}): ResourceType => ({
  group,
  version,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  verbs: ALL_VERBS,
  subresources: ['status'],
  custom: true,
  tracksGeneration: true,
  ...extra,
});

export function registerOpenShiftKinds(api: ApiServer): void {
  api.addKind(CONSOLE_CLI_DOWNLOAD);
  api.addKind(unvalidated('config.openshift.io', 'v1', 'clusterversions', 'ClusterVersion', false));
  api.addKind(unvalidated('route.openshift.io', 'v1', 'routes', 'Route', true, { categories: ['all'] }));
  api.addKind(unvalidated('hco.kubevirt.io', 'v1beta1', 'hyperconvergeds', 'HyperConverged', true, { shortNames: ['hco', 'hcos'], categories: ['all'] }));
}

/**
 * HyperConverged's default spec.liveMigrationConfig (hco api/v1beta1
 * hyperconverged_types.go, recent releases), which HCO copies into the KubeVirt
 * CR's spec.configuration.migrations; KubeVirt defaults the rest.
 */
export const HCO_LIVE_MIGRATION_CONFIG = { allowAutoConverge: false, allowPostCopy: false, completionTimeoutPerGiB: 150, parallelMigrationsPerCluster: 5, parallelOutboundMigrationsPerNode: 2, progressTimeout: 150 };

/** What HCO labels its operands with (hco pkg/controller/operands getLabels). */
const HCO_LABELS = { app: 'kubevirt-hyperconverged', 'app.kubernetes.io/managed-by': 'hco-operator', 'app.kubernetes.io/part-of': 'hyperconverged-cluster' };

/** HCO's links, in its order (hco pkg/controller/operands/cliDownload.go NewConsoleCLIDownload). */
export function cliDownload(namespace: string): KubeObject {
  const host = `hyperconverged-cluster-cli-download-${namespace}.${INGRESS_DOMAIN}`;
  const link = (arch: string, os: string, file: string, text: string) => ({ href: `https://${host}/${arch}/${os}/${file}`, text });
  return {
    apiVersion: 'console.openshift.io/v1',
    kind: 'ConsoleCLIDownload',
    metadata: { name: CLI_DOWNLOAD_NAME, labels: { ...HCO_LABELS, 'app.kubernetes.io/component': 'compute' } },
    spec: {
      displayName: 'virtctl - KubeVirt command line interface',
      description: 'The virtctl client is a supplemental command-line utility for managing virtualization resources from the command line.',
      links: [
        link('amd64', 'linux', 'virtctl.tar.gz', 'Download virtctl for Linux for x86_64'),
        link('arm64', 'linux', 'virtctl.tar.gz', 'Download virtctl for Linux for ARM 64'),
        link('s390x', 'linux', 'virtctl.tar.gz', 'Download virtctl for Linux for IBM Z'),
        link('amd64', 'mac', 'virtctl.zip', 'Download virtctl for Mac for x86_64'),
        link('arm64', 'mac', 'virtctl.zip', 'Download virtctl for Mac for ARM 64'),
        link('amd64', 'windows', 'virtctl.zip', 'Download virtctl for Windows for x86_64'),
        link('arm64', 'windows', 'virtctl.zip', 'Download virtctl for Windows for ARM 64'),
      ],
    },
  };
}

export function seedOpenShift(api: ApiServer, namespace: string, ocpVersion: string): void {
  const client = api.client;
  client.create('consoleclidownloads.console.openshift.io', cliDownload(namespace));
  // The HyperConverged CR the operator reconciles (not reconciled here: the KubeVirt CR is seeded to match it).
  client.create('hyperconvergeds.hco.kubevirt.io', {
    apiVersion: 'hco.kubevirt.io/v1beta1',
    kind: 'HyperConverged',
    metadata: { name: 'kubevirt-hyperconverged', namespace, labels: { app: 'kubevirt-hyperconverged' } },
    spec: { evictionStrategy: 'LiveMigrate', liveMigrationConfig: { ...HCO_LIVE_MIGRATION_CONFIG }, uninstallStrategy: 'BlockUninstallIfWorkloadsExist' },
  });
  const cv = client.create('clusterversions.config.openshift.io', { apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', metadata: { name: 'version' }, spec: { channel: `stable-${ocpVersion.split('.').slice(0, 2).join('.')}`, clusterID: 'a2f1c8e4-6c1b-4c55-9a67-3f1d2e4b5c6d' } });
  client.update('clusterversions.config.openshift.io', { ...cv, status: { desired: { version: ocpVersion }, history: [{ state: 'Completed', version: ocpVersion }] } }, { subresource: 'status' });
  client.create('routes.route.openshift.io', {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: 'hyperconverged-cluster-cli-download', namespace },
    spec: { host: `hyperconverged-cluster-cli-download-${namespace}.${INGRESS_DOMAIN}`, to: { kind: 'Service', name: 'hyperconverged-cluster-cli-download' }, tls: { termination: 'edge' } },
  });
}
