// `npx tsx bench/kubevirt.bench.ts`: the simulated KubeVirt's figures (see
// kubevirt-bench.ts). Reports and never fails on them; the last line is one
// JSON object of the figures.
import { runKubevirtBench } from './kubevirt-bench.js';

const figures = await runKubevirtBench();
console.log(JSON.stringify(figures));
