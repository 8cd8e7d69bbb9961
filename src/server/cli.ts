/** Headless host: `serve` and `demo` (PRODUCT.md §15). */
console.log('rebalance-desk: headless host not built yet');
