import { describe, expect, it } from 'vitest';
import { keepUrlSecrets, maskKnownSecrets, maskUrl, SECRET_MASK, stripUrlSecrets, urlSecrets } from './masking';

const M = SECRET_MASK;

/** Every form of a password in a URL that ioredis (WHATWG URL parser) or an ntfy client would send. */
const FORMS: { name: string; url: string; secrets: string[]; masked: string }[] = [
  {
    name: 'userinfo password',
    url: 'redis://app:hunter2-long@db.example:6379/0',
    secrets: ['hunter2-long'],
    masked: `redis://app:${M}@db.example:6379/0`,
  },
  {
    name: "userinfo password containing '@' typed raw",
    url: 'redis://:p@ss@word@db.example:6379',
    secrets: ['p@ss@word'],
    masked: `redis://:${M}@db.example:6379`,
  },
  {
    name: 'percent-encoded userinfo password',
    url: 'rediss://app:s3cr%40t%2F%3A%25x@db.example:6380/0',
    secrets: ['s3cr@t/:%x'],
    masked: `rediss://app:${M}@db.example:6380/0`,
  },
  {
    name: '?password= query',
    url: 'redis://db.example:6379/0?password=q-secret-1&db=0',
    secrets: ['q-secret-1'],
    masked: `redis://db.example:6379/0?password=${M}&db=0`,
  },
  {
    name: 'sentinelPassword and password in the query of a sentinel URL',
    url: 'redis://sentinel.example:26379?sentinelPassword=s-secret-2&password=m-secret-3&name=mymaster',
    secrets: ['s-secret-2', 'm-secret-3'],
    masked: `redis://sentinel.example:26379?sentinelPassword=${M}&password=${M}&name=mymaster`,
  },
  {
    name: 'userinfo and query both',
    url: 'redis://u:both-1@db.example?password=both-2',
    secrets: ['both-1', 'both-2'],
    masked: `redis://u:${M}@db.example?password=${M}`,
  },
  {
    name: 'ntfy userinfo',
    url: 'https://alice:ntfy-pass-9@ntfy.example/',
    secrets: ['ntfy-pass-9'],
    masked: `https://alice:${M}@ntfy.example/`,
  },
];

describe('maskUrl', () => {
  for (const form of FORMS) {
    it(`masks a ${form.name}`, () => {
      expect(urlSecrets(form.url)).toEqual(form.secrets);
      const masked = maskUrl(form.url);
      expect(masked).toBe(form.masked);
      for (const secret of form.secrets) {
        expect(masked).not.toContain(secret);
        expect(masked).not.toContain(encodeURIComponent(secret));
      }
    });
  }

  it('leaves a URL without a secret exactly as typed', () => {
    for (const url of ['redis://db.example:6379/0', 'https://ntfy.sh', 'redis://user@db.example?db=2']) {
      expect(maskUrl(url)).toBe(url);
    }
  });

  it('hides the whole of a URL the parser cannot read, keeping its scheme', () => {
    expect(maskUrl('redis://:pw-x@[not-a-host')).toBe(`redis://${M}`);
  });
});

describe('keepUrlSecrets', () => {
  it('gives the current URL back when the masked one comes back unchanged', () => {
    for (const form of FORMS) expect(keepUrlSecrets(form.masked, form.url)).toBe(form.url);
  });

  it('drops a masked password when the URL around it changed (a secret never goes to a new place)', () => {
    const current = 'redis://app:hunter2-long@db.example:6379/0?password=q-secret-1';
    const moved = `redis://app:${M}@evil.example:6379/0?password=${M}`;
    const kept = keepUrlSecrets(moved, current);
    expect(kept).toBe('redis://app@evil.example:6379/0');
    expect(urlSecrets(kept)).toEqual([]);
  });

  it('takes a URL typed without the mask as it is', () => {
    expect(keepUrlSecrets('redis://:new-pass@db.example', 'redis://:old-pass@db.example')).toBe(
      'redis://:new-pass@db.example',
    );
  });
});

describe('stripUrlSecrets', () => {
  it('removes every password, keeping the rest of the URL', () => {
    expect(stripUrlSecrets(FORMS[4]!.url)).toBe('redis://sentinel.example:26379?name=mymaster');
    expect(stripUrlSecrets(FORMS[0]!.url)).toBe('redis://app@db.example:6379/0');
  });
});

describe('maskKnownSecrets', () => {
  it('masks a secret in free text as is, percent-encoded and JSON-escaped', () => {
    const secret = 'p@ss"w/rd';
    const line = JSON.stringify({ msg: `failed: redis://:${encodeURIComponent(secret)}@h`, raw: secret });
    const masked = maskKnownSecrets(line, [secret]);
    expect(masked).not.toContain('p@ss');
    expect(masked).not.toContain('p%40ss');
    expect(JSON.parse(masked)).toEqual({ msg: `failed: redis://:${M}@h`, raw: M });
  });
});

describe('sentinel and cluster nodes', () => {
  it('refuse a URL (and so a password) in a node host, naming the field', async () => {
    const { parseSettings } = await import('./settings-store');
    const sentinel = { masterName: 'm', sentinels: [{ host: 'redis://:node-pass-1@10.0.0.5', port: 26379 }] };
    const refused = parseSettings({ redis: { sentinel } });
    expect(refused.ok ? [] : refused.issues).toEqual([
      {
        path: 'redis.sentinel.sentinels.0.host',
        message: 'must name a host, e.g. 10.0.0.5 — a host only, no URL or password',
      },
    ]);
    const cluster = parseSettings({ redis: { cluster: [{ host: 'u:node-pass-2@10.0.0.6', port: 7000 }] } });
    expect(cluster.ok ? [] : cluster.issues.map((i) => i.path)).toEqual(['redis.cluster.0.host']);
    expect(parseSettings({ redis: { cluster: [{ host: 'db-1.example', port: 7000 }] } }).ok).toBe(true);
  });
});
