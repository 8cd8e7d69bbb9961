#!/usr/bin/env node
/**
 * `npm run dist` step: puts the build machine's redis-server into resources/redis/<platform>-<arch>/ so the installer
 * ships it (electron-builder.yml copies resources/redis/<platform>*\/ into <resources>/redis/). Only the build
 * machine's own platform can be filled this way; a release for another OS is built on that OS (or its binary is put
 * into resources/redis/<platform>-<arch>/ by hand — see src/main/README.md).
 *
 *   REDIS_SERVER_BINARY=/path/to/redis-server   the binary to ship (default: redis-server on PATH, /opt/homebrew/bin,
 *                                               /usr/local/bin)
 *   REDIS_BUNDLE=skip                           build without one (traders then need Redis installed or redis.binary)
 *
 * Fails (exit 1) with a message when there is nothing to ship, rather than an installer that cannot start its core.
 */
import { execFileSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const platform = process.env.REDIS_BUNDLE_PLATFORM ?? process.platform;
const arch = process.env.REDIS_BUNDLE_ARCH ?? process.arch;
const exe = platform === 'win32' ? 'redis-server.exe' : 'redis-server';
const targetDir = join(process.env.REDIS_BUNDLE_DIR ?? join(ROOT, 'resources', 'redis'), `${platform}-${arch}`);

function fail(message) {
  console.error(`bundle-redis: ${message}`);
  process.exit(1);
}

function executable(file) {
  try {
    accessSync(file, platform === 'win32' ? constants.R_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findSource() {
  if (process.env.REDIS_SERVER_BINARY) {
    const given = resolve(process.env.REDIS_SERVER_BINARY);
    if (!existsSync(given) || !executable(given)) fail(`REDIS_SERVER_BINARY=${given} is not an executable file.`);
    return given;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/opt/homebrew/bin', '/usr/local/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, exe);
    if (existsSync(candidate) && executable(candidate)) return candidate;
  }
  return null;
}

if (process.env.REDIS_BUNDLE === 'skip') {
  console.warn('bundle-redis: REDIS_BUNDLE=skip — the installer ships no redis-server.');
  process.exit(0);
}

const already = existsSync(targetDir) && readdirSync(targetDir).includes(exe) && !process.env.REDIS_SERVER_BINARY;
if (already) {
  console.log(`bundle-redis: keeping ${join(targetDir, exe)} (set REDIS_SERVER_BINARY to replace it).`);
  process.exit(0);
}

const source = findSource();
if (!source) {
  fail(
    `no redis-server to ship for ${platform}-${arch}: none on PATH, in /opt/homebrew/bin or /usr/local/bin. ` +
      'Install Redis (Debian/Ubuntu: apt-get install redis-server, macOS: brew install redis) or set ' +
      'REDIS_SERVER_BINARY=/path/to/redis-server; REDIS_BUNDLE=skip builds an installer without one.',
  );
}

let version = '';
try {
  version = execFileSync(source, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
} catch (error) {
  fail(`${source} --version failed: ${error.message}`);
}
if (!/redis server v=|memurai/i.test(version)) fail(`${source} does not look like redis-server: "${version}"`);

mkdirSync(targetDir, { recursive: true });
const target = join(targetDir, exe);
copyFileSync(source, target);
if (platform !== 'win32') chmodSync(target, 0o755);
writeFileSync(join(targetDir, 'SOURCE.txt'), `${source}\n${version}\n`);

// Shared libraries outside the OS make the copy fail on a trader's machine that lacks them: say so loudly.
let libs = '';
try {
  if (platform === 'linux') libs = execFileSync('ldd', [source], { encoding: 'utf8' });
  if (platform === 'darwin') libs = execFileSync('otool', ['-L', source], { encoding: 'utf8' });
} catch {
  libs = '';
}
const foreign = libs
  .split('\n')
  .map((l) => l.trim())
  .filter((l) =>
    platform === 'darwin'
      ? /\/(opt\/homebrew|usr\/local|opt\/local)\//.test(l)
      : /=>/.test(l) && !/lib(c|m|pthread|dl|rt|gcc_s|stdc\+\+|atomic)\.so|ld-linux|linux-vdso/.test(l),
  );
console.log(`bundle-redis: ${version}\n  ${source} → ${target}`);
if (foreign.length) {
  console.warn(
    'bundle-redis: WARNING — this redis-server needs libraries a trader may not have:\n  ' +
      foreign.join('\n  ') +
      '\n  For a portable copy build Redis from source (make BUILD_TLS=no MALLOC=libc, statically on Linux) and set ' +
      'REDIS_SERVER_BINARY. The deb package depends on redis-server instead.',
  );
}
