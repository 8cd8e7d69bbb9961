import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

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
});
