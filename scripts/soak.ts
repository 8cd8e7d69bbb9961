/**
 * `npm run soak -- --days N` (PRODUCT.md §16, default 7): N trading days fast-forwarded against the simulator (see
 * scripts/soak-run.ts), then one `soak: key=value` line per figure. Exit code 1 when an event was lost or an order
 * doubled, 2 on bad arguments.
 */
import { runSoak, soakLines } from './soak-run';

const USAGE = 'usage: npm run soak -- [--days N] [--quiet]';

function parseArgs(argv: string[]): { days: number; quiet: boolean } {
  let days = 7;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    if (flag === '--days') {
      const text = inline ?? argv[++i];
      const n = Number(text);
      if (text === undefined || !/^\d+(\.\d+)?$/.test(text) || !(n > 0) || n > 365) {
        throw new Error(`--days must be a number of days above 0 and at most 365, got ${JSON.stringify(text ?? '')}`);
      }
      days = n;
    } else if (flag === '--quiet') quiet = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
  }
  return { days, quiet };
}

async function main(): Promise<number> {
  let options: { days: number; quiet: boolean };
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`soak: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  const result = await runSoak({ days: options.days, ...(options.quiet ? {} : { progress: (l) => console.log(l) }) });
  for (const line of soakLines(result)) console.log(line);
  console.log(`soak: soak.wall_s=${Math.round((Date.now() - started) / 1000)}`);
  for (const l of result.lost) console.log(`soak: LOST ${l}`);
  for (const d of result.doubled) console.log(`soak: DOUBLED ${d}`);
  return result.lost.length === 0 && result.doubled.length === 0 ? 0 : 1;
}

process.exitCode = await main().catch((error: Error) => {
  console.error(`soak: failed: ${error.stack ?? error.message}`);
  return 1;
});
