/** One figure of `npm run bench` (PRODUCT.md §16). */
export interface BenchResult {
  /** `area.figure`, printed last as `bench: key=value`. */
  key: string;
  value: number;
  unit: string;
  label: string;
  /** The target of §16 in words, e.g. `≥ 1.0`. */
  target?: string;
}

/** What each bench module exports as default. */
export type BenchModule = { default: () => Promise<BenchResult[]> };
