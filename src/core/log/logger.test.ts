import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger, stdoutFormatFor, type LogOutput } from './logger';

/** A stand-in for process.stdout that keeps what was written; `isTTY` as a terminal or a pipe would have it. */
function fakeStdout(isTTY: boolean): LogOutput & { text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return Object.assign(out, { isTTY, text: () => text });
}

describe('createLogger', () => {
  it('writes event work to the file and the window tail, with secrets redacted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-log-'));
    try {
      const { log, tail, close } = createLogger({ level: 'info', logDir: dir });
      log.info(
        { eventId: 'e1', accountId: 'DU1', apiKey: 'sekret', settings: { management: { token: 'tok' } } },
        'sell filled',
      );
      log.debug({ eventId: 'e1' }, 'below the level');
      await close();
      const lines = tail.query({ eventId: 'e1' });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 'info', msg: 'sell filled', accountId: 'DU1', apiKey: '[redacted]' });
      const text = await readFile(join(dir, 'rebalance-desk.log'), 'utf8');
      expect(text).toContain('sell filled');
      expect(text).not.toContain('sekret');
      expect(text).not.toContain('tok"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('filters the tail by level and account, newest last', () => {
    const { log, tail } = createLogger({ level: 'debug', logDir: null });
    log.debug({ accountId: 'A' }, 'one');
    log.warn({ accountId: 'A' }, 'two');
    log.error({ accountId: 'B' }, 'three');
    expect(tail.query({ level: 'warn' }).map((l) => l.msg)).toEqual(['two', 'three']);
    expect(tail.query({ accountId: 'A' }).map((l) => l.msg)).toEqual(['one', 'two']);
    expect(tail.query({ limit: 1 }).map((l) => l.msg)).toEqual(['three']);
  });

  it('redacts credentials inside zehnlabs.realtime wherever the options are logged', () => {
    const out = fakeStdout(false);
    const { log } = createLogger({ level: 'info', logDir: null, stdout: out });
    const realtime = {
      key: 'app:k-secret',
      token: 't-secret',
      tokenDetails: { token: 'td-secret' },
      authHeaders: { a: 'h-secret' },
      authParams: { b: 'p-secret' },
      password: 'pw-secret',
      endpoint: 'localhost',
    };
    log.info({ realtime }, 'one');
    log.info({ zehnlabs: { realtime } }, 'two');
    log.info({ settings: { zehnlabs: { realtime } } }, 'three');
    log.info({ options: { realtime } }, 'four');
    const text = out.text();
    expect(text.trim().split('\n')).toHaveLength(4);
    expect(text).not.toMatch(/-secret/);
    expect(text).toContain('localhost');
  });

  it('masks a known secret inside free text (an error message, a URL) in stdout and the window tail', () => {
    const out = fakeStdout(false);
    const secret = 'p@ss:w/rd-77';
    const { log, tail } = createLogger({ level: 'info', logDir: null, stdout: out, secrets: () => [secret] });
    log.error({ err: `WRONGPASS for redis://:${encodeURIComponent(secret)}@db:6379` }, `login with ${secret} failed`);
    const shown = out.text() + JSON.stringify(tail.query());
    expect(shown).toContain('WRONGPASS');
    expect(shown).not.toContain('p@ss');
    expect(shown).not.toContain('p%40ss');
  });
});

describe('log lines on stdout', () => {
  it('reads as text on a terminal and as JSON when piped', () => {
    expect(stdoutFormatFor({ isTTY: true })).toBe('pretty');
    expect(stdoutFormatFor({ isTTY: false })).toBe('json');
    expect(stdoutFormatFor({})).toBe('json');
  });

  it('prints one readable line per entry on a TTY, redacted, while the tail and file keep the JSON fields', () => {
    const tty = fakeStdout(true);
    const { log, tail } = createLogger({ level: 'info', logDir: null, stdout: tty });
    log.info({ eventId: 'e7', accountId: 'DU1', token: 'sekret' }, 'sell filled');
    const lines = tty.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const plain = stripVTControlCharacters(lines[0]!);
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: sell filled/);
    expect(plain).toContain('"eventId":"e7"');
    expect(plain).not.toContain('sekret');
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(tail.query({ eventId: 'e7' })[0]).toMatchObject({ msg: 'sell filled', accountId: 'DU1' });
  });

  it('prints pino JSON lines when stdout is not a terminal', () => {
    const pipe = fakeStdout(false);
    const { log } = createLogger({ level: 'info', logDir: null, stdout: pipe });
    log.warn({ accountId: 'DU1' }, 'gateway slow');
    const line = JSON.parse(pipe.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, msg: 'gateway slow', accountId: 'DU1' });
  });
});
