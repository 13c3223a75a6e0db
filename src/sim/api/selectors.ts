// The selector grammar lives in src/k8s (the product validates selectors too).
export * from '../../k8s/selectors.js';
