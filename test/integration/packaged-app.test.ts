/**
 * Packaged smoke test of the desktop app, without an Electron binary (none can be downloaded here):
 * `npm run dist`'s steps — electron-vite build, scripts/bundle-redis.mjs, electron-builder — run on a staged copy of
 * the project with a stub Electron dist (`-c.electronDist`), into a folder whose path has spaces (like
 * `/Applications/Rebalance Desk.app` or `C:\Program Files\Rebalance Desk`). The app.asar is extracted and its main
 * bundle imported with `electron` mapped to the test fake; after `ready` the window's preload (CJS) and page exist,
 * and the core starts with the redis-server shipped in the app's resources and its data in a userData folder that has
 * spaces too. Also static checks on `out/`: every package the main bundle imports is a dependency, and the page's
 * CSP meta has no `frame-ancestors`.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../src/shared/contract';
import type { Health } from '../../src/shared/dto';
import { app, BrowserWindow, ipcMain, protocol, resetFakes } from '../../src/main/test/fake-electron.test-support';

vi.mock('electron', () => import('../../src/main/test/fake-electron.test-support'));

const ROOT = join(import.meta.dirname, '../..');
const REDIS_BINARY = process.env.REDISMS_SYSTEM_BINARY || '/usr/bin/redis-server';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** Newest mtime of the files a build reads (sources, not docs or tests). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    return /\.(ts|tsx|css|html|json|svg|png)$/.test(path) && !/\.test\.tsx?$/.test(path) ? stat.mtimeMs : 0;
  }
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * The built out/ of the current sources, into `dest`: a copy of the repository's out/ when it is up to date, else a
 * fresh `electron-vite build --outDir dest` (never rebuilding out/ itself, which other tests run from meanwhile).
 */
function buildInto(dest: string): void {
  const built = join(ROOT, 'out/main/index.js');
  const inputs = ['src', 'electron.vite.config.ts', 'package.json'].map((p) => newestMtime(join(ROOT, p)));
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...inputs)) {
    cpSync(join(ROOT, 'out'), dest, { recursive: true });
    return;
  }
  execFileSync('npx', ['electron-vite', 'build', '--outDir', dest], { cwd: ROOT, stdio: 'pipe', timeout: 180_000 });
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
}

let work = '';
let out = '';
let resources = '';
let extracted = '';
let userData = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rd-packaged-'));

  // The project as electron-builder sees it, staged so the repository's resources/ stays untouched.
  const project = join(work, 'project');
  mkdirSync(project);
  out = join(project, 'out');
  buildInto(out);
  for (const name of ['package.json', 'electron-builder.yml']) cpSync(join(ROOT, name), join(project, name));
  cpSync(join(ROOT, 'resources/icon.png'), join(project, 'resources/icon.png'));
  // The stub Electron has no fuse wire to flip: the copied config drops the afterPack hook
  // (test/packaging/electron-fuses.test.ts covers the hook itself; `-c.afterPack=null` is read as a module "null").
  const builderConfig = join(project, 'electron-builder.yml');
  writeFileSync(builderConfig, readFileSync(builderConfig, 'utf8').replace(/^afterPack:.*$/m, ''));
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle-redis.mjs')], {
    env: { ...process.env, REDIS_SERVER_BINARY: REDIS_BINARY, REDIS_BUNDLE_DIR: join(project, 'resources/redis') },
    stdio: 'pipe',
  });

  // A stub Electron dist: electron-builder copies it and renames the executable; nothing runs it.
  const stub = join(work, 'electron-dist');
  mkdirSync(join(stub, 'resources'), { recursive: true });
  writeFileSync(join(stub, 'electron'), '#!/bin/sh\necho "stub electron" >&2\nexit 1\n', { mode: 0o755 });

  const output = join(work, 'Program Files', 'Rebalance Desk');
  execFileSync(
    'npx',
    [
      'electron-builder',
      '--linux',
      'dir',
      '--publish',
      'never',
      '--projectDir',
      project,
      '--config',
      join(project, 'electron-builder.yml'),
      `-c.electronDist=${stub}`,
      `-c.directories.output=${output}`,
    ],
    { cwd: project, stdio: 'pipe', timeout: 240_000, env: { ...process.env, CI: '1' } },
  );
  resources = join(output, 'linux-unpacked', 'resources');

  const requireFromBuilder = createRequire(createRequire(join(ROOT, 'package.json')).resolve('app-builder-lib'));
  const asar = requireFromBuilder('@electron/asar') as { extractAll(archive: string, dest: string): void };
  extracted = join(output, 'linux-unpacked', 'resources', 'app (extracted)');
  asar.extractAll(join(resources, 'app.asar'), extracted);

  userData = join(work, 'Application Support', 'Rebalance Desk');
}, 300_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packaged app', () => {
  it('contains the built main, preload and page, and the shipped redis-server outside app.asar', () => {
    expect(existsSync(join(resources, 'app.asar'))).toBe(true);
    expect(existsSync(join(extracted, 'out/main/index.js'))).toBe(true);
    expect(existsSync(join(extracted, 'out/preload/index.cjs'))).toBe(true);
    expect(existsSync(join(extracted, 'out/renderer/index.html'))).toBe(true);
    const shipped = join(resources, 'redis', `linux-${process.arch}`, 'redis-server');
    expect(statSync(shipped).mode & 0o111).not.toBe(0);
    // The main bundle carries its dependencies; of node_modules only redis-memory-server (and what it needs) ships.
    expect(existsSync(join(extracted, 'node_modules/redis-memory-server/package.json'))).toBe(true);
    for (const bundled of ['ioredis', 'pino', 'hono', '@stoqey/ib', 'ably', 'zod']) {
      expect(existsSync(join(extracted, 'node_modules', bundled)), bundled).toBe(false);
    }
    // No source maps in the app's own code.
    expect(files(join(extracted, 'out')).filter((f) => f.endsWith('.map') || f.endsWith('.test.ts'))).toEqual([]);
  });

  it('starts from the asar: window with a CJS preload, the page over app://, the core with the shipped Redis', async () => {
    resetFakes();
    app.isPackaged = true;
    app.appData = join(work, 'Application Support');
    const resourcesPath = Object.getOwnPropertyDescriptor(process, 'resourcesPath');
    Object.defineProperty(process, 'resourcesPath', { value: resources, configurable: true });
    // Nothing but the app's own redis-server to find.
    vi.stubEnv('REDISMS_SYSTEM_BINARY', '');
    vi.stubEnv('PATH', join(work, 'empty-path'));
    try {
      await import(join(extracted, 'out/main/index.js'));
      app.becomeReady();
      await vi.waitFor(() => expect(BrowserWindow.instances).toHaveLength(1), { timeout: 20_000 });
      const win = BrowserWindow.instances[0]!;

      // The preload exists and is CommonJS (a sandboxed preload cannot be ESM): it compiles as a classic script.
      const preload = win.options.webPreferences.preload as string;
      expect(preload).toBe(join(extracted, 'out/preload/index.cjs'));
      const preloadSource = readFileSync(preload, 'utf8');
      expect(() => new Script(preloadSource, { filename: preload })).not.toThrow();
      expect(preloadSource).toMatch(/require\(["']electron["']\)/);
      expect(win.options.webPreferences).toMatchObject({
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      });

      // The page: app://desk/index.html, served from the asar with the CSP header, every script and style it links.
      expect(win.loaded?.url).toMatch(/^app:\/\/desk\/index\.html/);
      const serve = protocol.handlers.get('app')!;
      const page = await serve(new Request('app://desk/index.html'));
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      const html = await page.text();
      const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) expect((await serve(new Request(`app://desk/${asset}`))).status, asset).toBe(200);

      // The core: started (first run, default settings) with the redis-server from the app's resources and its data
      // in userData — both paths with spaces.
      const call = ipcMain.handlers.get('desk:call')!;
      const health = async () =>
        (await call({ senderFrame: { url: 'app://desk/index.html' } }, 'health', {})) as CallResult<Health>;
      await vi.waitFor(
        async () => expect(await health()).toMatchObject({ ok: true, value: { redis: { state: 'green' } } }),
        { timeout: 30_000, interval: 100 },
      );
      const result = await health();
      const pid = Number(/pid (\d+)/.exec(result.ok ? result.value.redis.detail : '')?.[1]);
      expect(pid).toBeGreaterThan(0);
      // (redis-server rewrites its command line, so ask the kernel for its executable and working folder.)
      expect(readlinkSync(`/proc/${pid}/exe`)).toBe(join(resources, 'redis', `linux-${process.arch}`, 'redis-server'));
      expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(join(userData, 'redis'));

      app.quit();
      await vi.waitFor(() => expect(app.exitCode).toBe(0), { timeout: 30_000 });
      expect(existsSync(`/proc/${pid}`)).toBe(false);
    } finally {
      app.isPackaged = false;
      if (resourcesPath) Object.defineProperty(process, 'resourcesPath', resourcesPath);
      else delete (process as { resourcesPath?: string }).resourcesPath;
      vi.unstubAllEnvs();
    }
  }, 90_000);
});

describe('out/ (static checks on the build that was packaged)', () => {
  it('imports in the main bundle only node built-ins, electron and declared dependencies', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = new Set<string>();
    for (const file of files(join(out, 'main')).filter((f) => f.endsWith('.js'))) {
      // Comment lines dropped (a library's doc comment quoting `require('SonicBoom')` is not an import).
      const source = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line))
        .join('\n');
      // Module specifiers of the bundle's own import statements, dynamic imports and (created) requires.
      const name = String.raw`["']([@\w][\w@/.:-]*)["']`;
      const specifiers = [
        ...source.matchAll(new RegExp(String.raw`^\s*(?:import|export)\b[^;]*?\bfrom\s*${name}`, 'gm')),
        ...source.matchAll(new RegExp(String.raw`^\s*import\s*${name}`, 'gm')),
        ...source.matchAll(new RegExp(String.raw`\bimport\(\s*${name}\s*\)`, 'g')),
        ...source.matchAll(new RegExp(String.raw`\b(?:__)?require\(\s*${name}\s*\)`, 'g')),
      ].map((m) => m[1]!);
      for (const s of specifiers) imported.add(s);
    }
    const packageOf = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
    const undeclared = [...imported].filter(
      (s) => !builtins.has(s) && s !== 'electron' && !(packageOf(s) in pkg.dependencies),
    );
    expect(undeclared).toEqual([]);
    // Everything but redis-memory-server (the headless download fallback) is bundled.
    expect([...imported].filter((s) => !builtins.has(s) && s !== 'electron')).toEqual(['redis-memory-server']);
  });

  it("has no frame-ancestors in the page's CSP meta (ignored there, sent as a header instead)", () => {
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8');
    const meta = /<meta[^>]*http-equiv="Content-Security-Policy"[^>]*>/i.exec(html)?.[0] ?? '';
    expect(meta).toMatch(/default-src 'self'/);
    expect(meta).not.toMatch(/frame-ancestors/);
  });
});
