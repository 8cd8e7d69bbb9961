import { describe, expect, it } from 'vitest';
import { checkDisk, checkRealtime, checkRedis, MIN_FREE_BYTES } from './check-setup';

const GB = 1024 ** 3;

describe('check disk (§29)', () => {
  it('fails under 1 GB free in the data folder, with the fix; passes from 1 GB', async () => {
    const low = await checkDisk({ dataDir: '/data/rd', freeBytes: async () => 0.4 * GB });
    expect(low).toMatchObject({
      id: 'disk',
      status: 'fail',
      detail: '0.4 GB free in /data/rd; at least 1 GB is needed',
    });
    expect(low.fix).toContain('Free at least 1 GB on the disk of the data folder');
    const enough = await checkDisk({ dataDir: '/data/rd', freeBytes: async () => MIN_FREE_BYTES });
    expect(enough).toMatchObject({ status: 'ok', detail: '1.0 GB free in /data/rd', fix: '' });
  });
});

describe('check redis (§29)', () => {
  const facts = { description: 'redis://nas:6379', version: '7.2.4', appendOnly: true, snapshots: true };

  it('passes with the append-only file on, and fails when it is not reachable, with the fix', async () => {
    expect(await checkRedis({ redis: async () => facts })).toMatchObject({ status: 'ok', fix: '' });
    const down = await checkRedis({
      redis: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6390')),
    });
    expect(down).toMatchObject({
      status: 'fail',
      detail: 'Redis is not reachable: connect ECONNREFUSED 127.0.0.1:6390',
    });
    expect(down.fix).toContain('Start the Redis named in Settings › Storage and Redis');
  });

  it('warns without the append-only file (acknowledged events could be lost), and fails before 6.2', async () => {
    const snapshots = await checkRedis({ redis: async () => ({ ...facts, appendOnly: false }) });
    expect(snapshots.status).toBe('warn');
    expect(snapshots.detail).toContain('has only RDB snapshots');
    expect(snapshots.fix).toContain('Turn on the append-only file');
    const none = await checkRedis({ redis: async () => ({ ...facts, appendOnly: false, snapshots: false }) });
    expect(none.detail).toContain('has no persistence');
    const old = await checkRedis({ redis: async () => ({ ...facts, version: '6.0.16' }) });
    expect(old).toMatchObject({ status: 'fail', detail: 'redis://nas:6379 is Redis 6.0.16; 6.2 or newer is needed' });
    expect(old.fix).toContain('Upgrade that Redis to version 6.2 or newer');
  });
});

describe('check realtime (§29)', () => {
  it("names the feed's refusal and the key to check", async () => {
    const failed = await checkRealtime({
      realtime: async () => ({ state: 'failed', reason: 'Invalid key in request (40101)' }),
    });
    expect(failed).toMatchObject({
      status: 'fail',
      detail: 'the feed did not connect: Invalid key in request (40101)',
    });
    expect(failed.fix).toContain('40101 / 40102 means it is wrong');
  });
});
