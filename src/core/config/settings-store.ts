import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { z } from 'zod';
import { settingsSchema, type Settings } from './schema';
import { applySecrets, stripSecrets, type SecretStore } from './secrets';

/** One bad field of a settings file or update: the dotted path and what is wrong with it. */
export interface SettingsIssue {
  path: string;
  message: string;
}

export class SettingsError extends Error {
  readonly code = 'invalid';
  constructor(
    readonly issues: SettingsIssue[],
    readonly source: string,
  ) {
    super(`${source}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`);
    this.name = 'SettingsError';
  }
}

/** Turns zod issues into `{path, message}` pairs naming each bad field (`accounts.0.strategy`). */
export function issuesOf(error: z.ZodError): SettingsIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

export type ParseResult = { ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] };

/** Validates a settings object (partial objects are completed with the defaults). */
export function parseSettings(input: unknown): ParseResult {
  const result = settingsSchema.safeParse(input);
  return result.success ? { ok: true, settings: result.data } : { ok: false, issues: issuesOf(result.error) };
}

/** Parses settings-file text: JSON errors and schema errors both become issues naming where. */
export function parseSettingsText(text: string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, issues: [{ path: '', message: 'must be a JSON object' }] };
  }
  return parseSettings(json);
}

export interface LoadOutcome {
  settings: Settings;
  /** Where the settings in force came from. */
  from: 'file' | 'last-good' | 'defaults';
  /** Problems with the file, when it was not used as it is. */
  error: SettingsError | null;
}

/**
 * Reads and writes `<dataDir>/settings.json`. A bad file is reported with the path of each bad field and the last
 * good settings (kept beside it as `settings.last-good.json`) stay in force; secrets come from the secret store.
 */
export class SettingsStore {
  private current: Settings | null = null;

  constructor(
    readonly file: string,
    private readonly secrets: SecretStore,
  ) {}

  get lastGoodFile(): string {
    return join(dirname(this.file), 'settings.last-good.json');
  }

  /** The settings in force (load() first). */
  get settings(): Settings {
    if (!this.current) throw new Error('settings not loaded yet');
    return this.current;
  }

  async load(): Promise<LoadOutcome> {
    const text = await readOptional(this.file);
    let outcome: LoadOutcome;
    if (text === null) {
      outcome = { settings: parseOrThrow({}), from: 'defaults', error: null };
    } else {
      const parsed = parseSettingsText(text);
      if (parsed.ok) {
        outcome = { settings: parsed.settings, from: 'file', error: null };
        await this.writeAtomic(this.lastGoodFile, text);
      } else {
        const error = new SettingsError(parsed.issues, this.file);
        const lastGood = await readOptional(this.lastGoodFile);
        const fallback = lastGood === null ? null : parseSettingsText(lastGood);
        outcome =
          fallback?.ok === true
            ? { settings: fallback.settings, from: 'last-good', error }
            : { settings: parseOrThrow({}), from: 'defaults', error };
      }
    }
    outcome.settings = await applySecrets(outcome.settings, this.secrets);
    this.current = outcome.settings;
    return outcome;
  }

  /**
   * Validates and saves new settings. Secrets go to the secret store (an empty secret keeps the stored one); the file
   * keeps them only when the store is the settings file itself. Throws SettingsError naming each bad field.
   */
  async save(input: unknown): Promise<Settings> {
    const parsed = parseSettings(input);
    if (!parsed.ok) throw new SettingsError(parsed.issues, 'settings');
    const withSecrets = await applySecrets(parsed.settings, this.secrets, { preferGiven: true });
    await this.secrets.save(withSecrets);
    const onDisk = this.secrets.keepsSecretsInSettingsFile ? withSecrets : stripSecrets(withSecrets);
    const text = `${JSON.stringify(onDisk, null, 2)}\n`;
    await this.writeAtomic(this.file, text);
    await this.writeAtomic(this.lastGoodFile, text);
    this.current = withSecrets;
    return withSecrets;
  }

  private async writeAtomic(file: string, text: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
  }
}

function parseOrThrow(input: unknown): Settings {
  const parsed = parseSettings(input);
  if (!parsed.ok) throw new SettingsError(parsed.issues, 'defaults');
  return parsed.settings;
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
