// One collator for every name the product sorts: node and VMI names carry
// numbers (kv-worker-2, kv-worker-10) that people expect in numeric order.
export const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
