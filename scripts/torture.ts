/**
 * `npm run torture -- --runs N [--seed S] [--verbose]` (PRODUCT.md §17): repeats the kill -9 crash torture
 * (test/reliability/crash-torture.test.ts) N times, each with a fresh random seed passed as TORTURE_SEED, printing
 * each seed and its outcome, then `torture: P/N runs passed`. `--seed S` replays run S exactly (with `--runs N`, N
 * times). A failed run's full vitest output is kept in a file whose path is printed.
 *
 * Exit code: 0 when every run passed, 1 when one failed, 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const TEST = 'test/reliability/crash-torture.test.ts';
/** vitest's colour codes (ESC [ … m), taken off before the summary lines are matched. */
const COLOURS = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const USAGE = 'usage: npm run torture -- [--runs N] [--seed S] [--verbose]';

interface Options {
  runs: number;
  seed: number | null;
  verbose: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { runs: 1, seed: null, verbose: false };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const whole = (text: string, what: string, min: number): number => {
      if (!/^\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
        throw new Error(`${what} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
      }
      return Number(text);
    };
    if (flag === '--runs') {
      options.runs = whole(value(), '--runs', 1);
      runsGiven = true;
    } else if (flag === '--seed') options.seed = whole(value(), '--seed', 0);
    else if (flag === '--verbose') options.verbose = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (options.seed !== null && !runsGiven) options.runs = 1;
  return options;
}

/** One vitest run of the torture test with `seed`; resolves with its exit code and the test's summary lines. */
function runOnce(seed: number, logFile: string, verbose: boolean): Promise<{ code: number | null; summary: string[] }> {
  return new Promise((resolve) => {
    let text = '';
    const log = createWriteStream(logFile);
    const child = spawn(join(ROOT, 'node_modules/.bin/vitest'), ['run', TEST], {
      cwd: ROOT,
      env: {
        ...process.env,
        TORTURE_SEED: String(seed),
        REDISMS_SYSTEM_BINARY: process.env.REDISMS_SYSTEM_BINARY ?? '/usr/bin/redis-server',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sink = (chunk: Buffer): void => {
      log.write(chunk);
      text += chunk.toString();
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', sink);
    child.stderr.on('data', sink);
    child.on('error', (error) => {
      log.write(`\ncould not start vitest: ${error.message}\n`);
    });
    child.on('close', (code) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // The test's own figures: events, kills (and where the simulator's events placed them), fills, resumed.
      const summary = text
        .split('\n')
        .map((line) => line.replace(COLOURS, ''))
        .filter((line) => /^crash torture: \d/.test(line));
      log.end(() => resolve({ code, summary }));
    });
    // Stopping the script stops the run (vitest then tears the test down, killing its core and gateway).
    const stop = (signal: NodeJS.Signals): void => {
      child.kill(signal);
      process.exitCode = 1;
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`torture: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const logDir = await mkdtemp(join(tmpdir(), 'rd-torture-runs-'));
  let passed = 0;
  let ran = 0;
  const failed: number[] = [];
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  for (let run = 1; run <= options.runs && !interrupted; run++) {
    const seed = options.seed ?? randomInt(1, 2 ** 31);
    console.log(`torture: run ${run}/${options.runs} seed ${seed} (replay: npm run torture -- --seed ${seed})`);
    const logFile = join(logDir, `run-${run}-seed-${seed}.log`);
    const started = Date.now();
    const { code, summary } = await runOnce(seed, logFile, options.verbose);
    for (const line of summary) console.log(`torture:   ${line.replace(/^crash torture: /, '')}`);
    ran += 1;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    if (code === 0) {
      passed += 1;
      console.log(`torture: run ${run}/${options.runs} seed ${seed} passed in ${seconds} s`);
    } else {
      failed.push(seed);
      console.log(
        `torture: run ${run}/${options.runs} seed ${seed} FAILED (exit ${String(code)}) in ${seconds} s; output: ${logFile}`,
      );
    }
  }
  if (failed.length > 0) console.log(`torture: failed seeds ${failed.join(', ')}`);
  if (interrupted) console.log(`torture: interrupted after ${ran} of ${options.runs} runs`);
  console.log(`torture: ${passed}/${ran} runs passed`);
  return failed.length === 0 && !interrupted ? 0 : 1;
}

process.exitCode = await main();
