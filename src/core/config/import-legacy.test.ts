import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from './schema';
import { parseSettings } from './settings-store';
import { formatIssues, importLegacyFolder, mergeImported, strategySlug } from './import-legacy';

const fixtures = join(import.meta.dirname, 'fixtures/legacy');

describe('importLegacyFolder', () => {
  it('imports accounts, replacement sets and .env of the original project into valid settings', async () => {
    const result = await importLegacyFolder(join(fixtures, 'good'));
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.files.every((f) => f.found)).toBe(true);
    expect(result.settings.accounts).toEqual([
      {
        accountId: 'DU123456',
        name: 'Paper IRA',
        type: 'paper',
        enabled: true,
        strategy: 'etf-blend-200-35',
        cashReservePercent: 1,
        replacementSet: 'ira',
      },
      {
        accountId: 'DU7654321',
        type: 'paper',
        enabled: false,
        strategy: 'etf-blend-101-15',
        cashReservePercent: 2.5,
        replacementSet: null,
      },
      {
        accountId: 'U1234567',
        type: 'live',
        enabled: true,
        strategy: 'etf-blend-200-35',
        cashReservePercent: 0,
        replacementSet: null,
      },
    ]);
    expect(result.settings.replacementSets).toEqual({
      ira: [
        { source: 'DBC', target: 'PDBC', scale: 1 },
        { source: 'GLD', target: 'IAU', scale: 1 },
      ],
    });
    expect(result.settings.zehnlabs).toEqual({
      allocationsApiKey: 'alloc-key-very-secret',
      realtimeApiKey: 'app1.key1:realtime-very-secret',
    });
    expect(result.settings.ib).toEqual({ host: '192.168.1.20', port: 4001 });
    expect(result.settings.tradingMode).toBe('paper');
    expect(result.settings.logLevel).toBe('warn');

    const parsed = parseSettings(mergeImported(defaultSettings(), result.settings));
    expect(parsed.ok).toBe(true);
  });

  it('says what it changed on the way (strategy name to slug) and what it ignored, by key name only', async () => {
    const result = await importLegacyFolder(join(fixtures, 'good'));
    const lines = formatIssues(result.issues);
    expect(lines).toContain(
      '! accounts.yaml › accounts[1].strategy: "ETF Blend 101-15" imported as the slug "etf-blend-101-15" (DU7654321)',
    );
    expect(lines).toContain('! .env › SOMETHING_ELSE: not used by Rebalance Desk; ignored');
    expect(lines.join('\n')).not.toContain('ignored-value');
  });

  it('imports a partial folder and names each missing file as a warning', async () => {
    const result = await importLegacyFolder(join(fixtures, 'partial'));
    expect(result.settings).toEqual({
      accounts: [
        { accountId: 'DU111111', type: 'paper', enabled: true, strategy: 'etf-blend-200-35', replacementSet: null },
      ],
    });
    expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'warning', file: '.env', message: expect.stringContaining('not found') }),
        expect.objectContaining({ severity: 'warning', file: 'replacement-sets.yaml' }),
        expect.objectContaining({ severity: 'warning', file: 'accounts.yaml', field: '[0].type' }),
      ]),
    );
    const parsed = parseSettings(mergeImported(defaultSettings(), result.settings));
    expect(parsed.ok && parsed.settings.accounts[0]?.cashReservePercent).toBe(1);
  });

  it('reports malformed files with clear errors naming file and field, and never throws', async () => {
    const result = await importLegacyFolder(join(fixtures, 'malformed'));
    const errors = result.issues
      .filter((i) => i.severity === 'error')
      .map((i) => `${i.file} › ${i.field}: ${i.message}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^accounts\.yaml › accounts\[0\]\.account_id: "not-an-account" is not an IB account id/),
        expect.stringMatching(/^accounts\.yaml › accounts\[1\]\.type: must be paper or live, found "demo"/),
        expect.stringMatching(
          /^accounts\.yaml › accounts\[1\]\.allocation\.cash_reserve_percent: must be a percentage between 0 and 100, found 150/,
        ),
        expect.stringMatching(/^accounts\.yaml › accounts\[1\]\.allocation\.strategy: is missing \(DU222222\)/),
        expect.stringMatching(/^accounts\.yaml › accounts\[2\]\.allocation: must be a mapping/),
        expect.stringMatching(/^accounts\.yaml › accounts\[2\]\.enabled: must be true or false, found "maybe"/),
        expect.stringMatching(/^accounts\.yaml › accounts\[3\]: must be a mapping/),
        expect.stringMatching(
          /^accounts\.yaml › accounts\[4\]\.replacement_set: must be the name of a replacement set/,
        ),
        expect.stringMatching(
          /^replacement-sets\.yaml › : not valid YAML \(line 6, column 3\): Map keys must be unique/,
        ),
        expect.stringMatching(/^\.env › IB_PORT: must be a port between 1 and 65535, found "four-thousand"/),
        expect.stringMatching(/^\.env › TRADING_MODE: must be paper or live, found "real"/),
        expect.stringMatching(/^\.env › REALTIME_API_KEY: line 4: the quote is not closed/),
      ]),
    );
    // Bad accounts are left out entirely; what was valid is still offered.
    expect(result.settings.accounts).toBeUndefined();
    expect(result.settings.zehnlabs).toEqual({ allocationsApiKey: 'alloc-secret-must-not-leak' });
    expect(JSON.stringify(result.issues)).not.toContain('alloc-secret-must-not-leak');
  });

  it('reports files of the wrong shape and leaves a replacement set with a bad item out as a whole', async () => {
    const result = await importLegacyFolder(join(fixtures, 'wrong-shape'));
    const lines = formatIssues(result.issues);
    expect(lines).toEqual(
      expect.arrayContaining([
        '✕ accounts.yaml › accounts: must be a list of accounts, found "DU123456"',
        '✕ replacement-sets.yaml › replacement_sets.ira[0].scale: must be a number above 0 and at most 10, found 0',
        '✕ replacement-sets.yaml › replacement_sets.energy: must be a list of {source, target, scale}, found "XLE"',
      ]),
    );
    expect(result.settings).toEqual({});
  });

  it('answers a folder without any of the files with an error instead of throwing', async () => {
    const result = await importLegacyFolder(join(fixtures, 'does-not-exist'));
    expect(result.settings).toEqual({});
    expect(result.issues.some((i) => i.severity === 'error' && /none of accounts\.yaml/.test(i.message))).toBe(true);
  });

  it('reports a YAML syntax error with its line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-legacy-'));
    try {
      // Written here rather than kept as a fixture, so formatters never trip over it.
      await writeFile(
        join(dir, 'replacement-sets.yaml'),
        'replacement_sets:\n  ira:\n    - source: DBC\n      target: [PDBC\n',
      );
      const result = await importLegacyFolder(dir);
      expect(formatIssues(result.issues)).toContain(
        '✕ replacement-sets.yaml: not valid YAML (line 5, column 1): Flow sequence in block collection must be sufficiently indented and end with a ]',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be read (a folder named accounts.yaml)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-legacy-'));
    try {
      await mkdir(join(dir, 'accounts.yaml'));
      await writeFile(join(dir, '.env'), 'TRADING_MODE=live\n');
      const result = await importLegacyFolder(dir);
      expect(result.issues).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          file: 'accounts.yaml',
          message: 'could not be read: it is a folder',
        }),
      );
      expect(result.settings.tradingMode).toBe('live');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes the account type from TRADING_MODE when accounts.yaml leaves it out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rd-legacy-'));
    try {
      await writeFile(join(dir, '.env'), 'TRADING_MODE=live\nIB_GATEWAY_PORT=4001\nALLOCATIONS_API_KEY=k\n');
      await writeFile(
        join(dir, 'accounts.yaml'),
        'accounts:\n  - account_id: U7654321\n    strategy: etf-blend-200-35\n',
      );
      const result = await importLegacyFolder(dir);
      expect(result.settings.accounts?.[0]?.type).toBe('live');
      expect(result.settings.ib?.port).toBe(4001);
      expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mergeImported', () => {
  it('replaces accounts with the same id, adds new ones and keeps the rest of the current settings', () => {
    const current = parseSettings({
      ib: { port: 7497 },
      accounts: [
        { accountId: 'DU123456', name: 'kept name', strategy: 'old-strategy', cashReservePercent: 5 },
        { accountId: 'DU999999', strategy: 'other' },
      ],
    });
    if (!current.ok) throw new Error('bad test settings');
    const merged = parseSettings(
      mergeImported(current.settings, {
        accounts: [
          { accountId: 'DU123456', type: 'paper', enabled: true, strategy: 'etf-blend-200-35', replacementSet: null },
        ],
        ib: { host: '10.0.0.2' },
      }),
    );
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    expect(merged.settings.accounts.map((a) => [a.accountId, a.strategy, a.name, a.cashReservePercent])).toEqual([
      ['DU123456', 'etf-blend-200-35', 'kept name', 5],
      ['DU999999', 'other', '', 1],
    ]);
    expect(merged.settings.ib).toMatchObject({ host: '10.0.0.2', port: 7497 });
  });

  it('fails validation, naming the field, when an account refers to a replacement set that is not there', () => {
    const merged = parseSettings(
      mergeImported(defaultSettings(), {
        accounts: [
          { accountId: 'DU123456', type: 'paper', enabled: true, strategy: 'etf-blend-200-35', replacementSet: 'ira' },
        ],
      }),
    );
    expect(merged.ok).toBe(false);
    if (merged.ok) return;
    expect(merged.issues.map((i) => i.path)).toContain('accounts.0.replacementSet');
  });
});

describe('strategySlug', () => {
  it('turns a provider name into its slug', () => {
    expect(strategySlug('ETF Blend 101-15')).toBe('etf-blend-101-15');
    expect(strategySlug('  etf-blend-200-35 ')).toBe('etf-blend-200-35');
  });
});
