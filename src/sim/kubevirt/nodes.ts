// The cluster's nodes as a real KubeVirt cluster shows them: workers labelled
// schedulable by virt-handler, Ready, with capacity; a tainted control-plane
// node beside them (or one node doing both on a single-node cluster).
import { timestamp } from '../api/object-meta.js';
import type { KubeObject } from '../api/types.js';
import type { SystemClient } from '../api/system-client.js';
import type { Flavor } from './context.js';

export interface NodePlan {
  name: string;
  roles: ('control-plane' | 'worker')[];
  internalIp: string;
}

/** Names and roles: N workers, plus one tainted control-plane node when N > 1. */
export function planNodes(count: number, flavor: Flavor): NodePlan[] {
  const pad = (i: number) => String(i).padStart(2, '0');
  if (count === 1) {
    const name = flavor === 'openshift' ? 'sno-0.virt.ocp.example.com' : 'kv-node-01';
    return [{ name, roles: ['control-plane', 'worker'], internalIp: '192.168.126.10' }];
  }
  const plans: NodePlan[] = [
    { name: flavor === 'openshift' ? 'master-0.virt.ocp.example.com' : 'kv-control-plane-01', roles: ['control-plane'], internalIp: '192.168.126.10' },
  ];
  for (let i = 0; i < count; i++) {
    const name = flavor === 'openshift' ? `worker-${i}.virt.ocp.example.com` : `kv-worker-${pad(i + 1)}`;
    plans.push({ name, roles: ['worker'], internalIp: `192.168.${126 + Math.floor((i + 11) / 250)}.${((i + 11) % 250) + 1}` });
  }
  return plans;
}

const KUBEVIRT_DEVICES = { 'devices.kubevirt.io/kvm': '1k', 'devices.kubevirt.io/tun': '1k', 'devices.kubevirt.io/vhost-net': '1k' };

function nodeObject(plan: NodePlan, kubeletVersion: string, kubevirt: boolean, flavor: Flavor): KubeObject {
  const now = timestamp();
  const worker = plan.roles.includes('worker');
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': plan.name,
    'kubernetes.io/os': 'linux',
  };
  for (const r of plan.roles) labels[`node-role.kubernetes.io/${r}`] = '';
  // OpenShift control-plane nodes keep the legacy master role too (`kubectl get nodes` shows control-plane,master).
  if (flavor === 'openshift' && plan.roles.includes('control-plane')) labels['node-role.kubernetes.io/master'] = '';
  // virt-handler labels the nodes it runs on.
  if (worker && kubevirt) {
    labels['kubevirt.io/schedulable'] = 'true';
    labels['cpu-vendor.node.kubevirt.io/Intel'] = 'true';
    labels['host-model-cpu.node.kubevirt.io/Cascadelake-Server'] = 'true';
  }
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  const capacity = worker
    ? { cpu: '64', memory: '263981428Ki', pods: '250', 'ephemeral-storage': '467039428Ki', ...(kubevirt ? KUBEVIRT_DEVICES : {}) }
    : { cpu: '8', memory: '32778576Ki', pods: '250', 'ephemeral-storage': '125293548Ki' };
  const allocatable = worker
    ? { cpu: '63500m', memory: '262830452Ki', pods: '250', 'ephemeral-storage': '430417779553', ...(kubevirt ? KUBEVIRT_DEVICES : {}) }
    : { cpu: '7500m', memory: '31627600Ki', pods: '250', 'ephemeral-storage': '115470533646' };
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: plan.name, labels, annotations: { 'kubevirt.io/heartbeat': now, 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: plan.internalIp },
        { type: 'Hostname', address: plan.name },
      ],
      allocatable,
      capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'cri-o://1.33.5',
        kernelVersion: '5.14.0-570.el9_6.x86_64',
        kubeProxyVersion: '',
        kubeletVersion,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Red Hat Enterprise Linux CoreOS 9.6',
        systemUUID: '',
      },
    },
  };
  // A multi-node cluster keeps workloads off its control plane.
  if (!worker) (node.spec as Record<string, unknown>).taints = [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }];
  return node;
}

export function seedNodes(client: SystemClient, count: number, opts: { flavor: Flavor; kubeletVersion: string; kubevirt: boolean }): NodePlan[] {
  const plans = planNodes(count, opts.flavor);
  for (const p of plans) if (!client.get('nodes', undefined, p.name)) client.create('nodes', nodeObject(p, opts.kubeletVersion, opts.kubevirt, opts.flavor));
  return plans;
}
