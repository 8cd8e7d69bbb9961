import { describe, expect, it } from 'vitest';
import { settingsSchema } from '../config/schema';
import { describeTopology, isExternal, RedisTlsFileError, tlsOptions } from './topology';

describe('Redis topology settings', () => {
  it('names each topology without its passwords', () => {
    // §18: the one masking function of src/core/config/masking.ts, userinfo and query alike
    expect(describeTopology({ url: 'rediss://:hunter2@db.example:6380/0' })).toBe(
      'Redis at rediss://:••••••••@db.example:6380/0',
    );
    expect(describeTopology({ url: 'redis://db.example:6379/0?password=hunter2' })).toBe(
      'Redis at redis://db.example:6379/0?password=••••••••',
    );
    expect(
      describeTopology({ sentinel: { masterName: 'm', sentinels: [{ host: 'a', port: 1 }], password: 'hunter2' } }),
    ).toBe('Redis master "m" via sentinels a:1');
    expect(
      describeTopology({
        cluster: [
          { host: 'a', port: 1 },
          { host: 'b', port: 2 },
        ],
      }),
    ).toBe('Redis Cluster a:1, b:2');
  });

  it('is external for a url, a sentinel or a cluster, and embedded otherwise', () => {
    expect(isExternal({})).toBe(false);
    expect(isExternal({ url: null, sentinel: null, cluster: null })).toBe(false);
    expect(isExternal({ url: 'redis://x' })).toBe(true);
    expect(isExternal({ cluster: [{ host: 'a', port: 1 }] })).toBe(true);
  });

  it('names the TLS file it cannot read', () => {
    expect(() => tlsOptions({ ca: '/nonexistent/ca.pem' })).toThrow(RedisTlsFileError);
    expect(() => tlsOptions({ ca: '/nonexistent/ca.pem' })).toThrow(
      /redis\.tls\.ca: cannot read \/nonexistent\/ca\.pem/,
    );
    expect(tlsOptions({ rejectUnauthorized: false })).toEqual({ rejectUnauthorized: false });
  });

  it('refuses two topologies at once, and sentinels or cluster nodes without an address', () => {
    const both = settingsSchema.safeParse({ redis: { url: 'redis://x', cluster: [{ host: 'a', port: 7000 }] } });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toMatch(/set only one of redis\.url, redis\.sentinel and redis\.cluster/);
    const noSentinels = settingsSchema.safeParse({ redis: { sentinel: { masterName: 'm', sentinels: [] } } });
    expect(noSentinels.error?.issues[0]?.message).toMatch(/at least one sentinel/);
    const badPort = settingsSchema.safeParse({ redis: { cluster: [{ host: 'a', port: 99_999 }] } });
    expect(badPort.error?.issues[0]?.path).toEqual(['redis', 'cluster', 0, 'port']);
    expect(settingsSchema.parse({}).redis).toMatchObject({ tls: null, sentinel: null, cluster: null, minReplicas: 0 });
  });
});
