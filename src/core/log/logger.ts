import { mkdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino, { type Logger, type Level } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { createStream } from 'rotating-file-stream';
import type { LogLine } from '../../shared/dto';
import { maskKnownSecrets } from '../config/masking';
import { REALTIME_CREDENTIALS } from '../config/schema';

export type { Logger } from 'pino';

/** Fields that are never written anywhere (§13, §18): secrets are redacted by the logger, not by each caller. */
export const REDACT_PATHS = [
  'apiKey',
  'key',
  'token',
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'realtimeApiKey',
  'allocationsApiKey',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.realtimeApiKey',
  '*.allocationsApiKey',
  'settings.zehnlabs.realtimeApiKey',
  'settings.zehnlabs.allocationsApiKey',
  'settings.management.token',
  'password',
  '*.password',
  // Credentials inside zehnlabs.realtime (§18), wherever the realtime options are logged.
  ...REALTIME_CREDENTIALS.flatMap((key) => [
    `realtime.${key}`,
    `*.realtime.${key}`,
    `zehnlabs.realtime.${key}`,
    `settings.zehnlabs.realtime.${key}`,
  ]),
];

const LEVELS: Record<number, LogLine['level']> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** The newest log lines kept in memory for the window, with a push to listeners for each new line. */
export class LogTail {
  private readonly lines: LogLine[] = [];
  private readonly listeners = new Set<(line: LogLine) => void>();

  constructor(private readonly capacity = 5_000) {}

  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
    for (const listener of this.listeners) listener(line);
  }

  /** Newest last, filtered. */
  query(filter: { level?: LogLine['level']; accountId?: string; eventId?: string; limit?: number } = {}): LogLine[] {
    const min = filter.level ? levelValue(filter.level) : 0;
    const out = this.lines.filter(
      (l) =>
        levelValue(l.level) >= min &&
        (!filter.accountId || l.accountId === filter.accountId) &&
        (!filter.eventId || l.eventId === filter.eventId),
    );
    return out.slice(-(filter.limit ?? 500));
  }

  subscribe(listener: (line: LogLine) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function levelValue(level: LogLine['level']): number {
  return Number(Object.entries(LEVELS).find(([, name]) => name === level)?.[0] ?? 0);
}

/** Turns pino's JSON line into the window's LogLine (`time` ISO, `level` by name). */
export function toLogLine(raw: Record<string, unknown>): LogLine {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...rest } = raw;
  return {
    ...rest,
    time: typeof time === 'number' ? new Date(time).toISOString() : String(time ?? new Date().toISOString()),
    level: LEVELS[Number(level)] ?? 'info',
    msg: typeof msg === 'string' ? msg : '',
  };
}

/** A terminal-like output: process.stdout, or a stand-in in tests. */
export type LogOutput = NodeJS.WritableStream & { isTTY?: boolean };

export interface LoggerOptions {
  level: Level;
  /** `<dataDir>/logs`; null logs to the tail (and stdout when `stdout`) only. */
  logDir: string | null;
  tail?: LogTail;
  /** Also write each line here (true: process.stdout). */
  stdout?: boolean | LogOutput;
  /** How lines look there; by default readable on a terminal (TTY), JSON otherwise (piped, redirected). */
  stdoutFormat?: 'pretty' | 'json';
  /**
   * The secret values in force (§18), masked wherever they appear in a line — inside an error message or a URL in free
   * text, where redaction by field name cannot reach. Read for each line, so a changed password applies at once.
   */
  secrets?: () => readonly string[];
}

/** The look of log lines on an output: readable on a terminal, JSON lines when piped into a file or a tool. */
export function stdoutFormatFor(output: { isTTY?: boolean }): 'pretty' | 'json' {
  return output.isTTY === true ? 'pretty' : 'json';
}

/** Writes pino's (already redacted) JSON lines to `output` one readable line each: time, level, message, fields. */
function prettyStream(output: LogOutput): Writable {
  const format = prettyFactory({
    colorize: output.isTTY === true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
  });
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text) output.write(format(text));
      done();
    },
  });
}

/** The app's logger: rotating file in `<dataDir>/logs` (daily or 10 MB, 14 kept), the in-memory tail, optional stdout. */
export function createLogger(options: LoggerOptions): { log: Logger; tail: LogTail; close: () => Promise<void> } {
  const tail = options.tail ?? new LogTail();
  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof createStream> | null = null;
  if (options.logDir) {
    mkdirSync(options.logDir, { recursive: true });
    file = createStream('rebalance-desk.log', { path: options.logDir, size: '10M', interval: '1d', maxFiles: 14 });
    streams.push({ level: 'trace', stream: file });
  }
  streams.push({
    level: 'trace',
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const text of chunk.toString('utf8').split('\n')) {
          if (!text) continue;
          try {
            tail.push(toLogLine(JSON.parse(text) as Record<string, unknown>));
          } catch {
            tail.push({ time: new Date().toISOString(), level: 'info', msg: text });
          }
        }
        done();
      },
    }),
  });
  if (options.stdout) {
    const output: LogOutput = options.stdout === true ? process.stdout : options.stdout;
    const format = options.stdoutFormat ?? stdoutFormatFor(output);
    streams.push({ level: 'trace', stream: format === 'pretty' ? prettyStream(output) : output });
  }
  const secrets = options.secrets;
  const log = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: undefined,
      // After redaction by field name, before any output (file, window tail, stdout): known secrets in free text.
      ...(secrets ? { hooks: { streamWrite: (line: string) => maskKnownSecrets(line, secrets()) } } : {}),
    },
    pino.multistream(streams),
  );
  return {
    log,
    tail,
    close: () =>
      new Promise<void>((resolve) => {
        if (!file) return resolve();
        file.end(() => resolve());
      }),
  };
}

/** A logger that writes nowhere, for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
