/** §16: headless cold start to ready (embedded Redis up, API listening). */
import { startServe } from './serve-process';
import type { BenchResult } from './types';

export default async function run(): Promise<BenchResult[]> {
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const serve = await startServe();
    times.push(serve.readyMs);
    await serve.stop();
  }
  times.sort((a, b) => a - b);
  return [
    {
      key: 'core.cold_start_ms',
      value: times[Math.floor(times.length / 2)]!,
      unit: 'ms',
      label: 'headless cold start to ready (median of 5)',
      target: '≤ 1500',
    },
  ];
}
