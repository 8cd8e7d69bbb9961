/**
 * Client of the Zehnlabs allocation API (PRODUCT.md §3, §8 step 1, §12): a strategy's target weights and the list
 * of strategies. Every failure is a `DeskError` of the §10 kind; the API key never appears in a message or a log.
 */
import { z } from 'zod';
import type { AllocationSet } from '../../shared/dto';
import { DeskError, invalidError, rejectedError, transientError } from '../domain/errors';

/** The few logger methods the client uses (a pino logger fits). */
export interface AllocationClientLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** How to reach the allocation API. */
export interface AllocationClientOptions {
  /** `zehnlabs.allocationsUrl`, e.g. `https://workers.fintech.zehnlabs.com/api/v1/strategies`. */
  baseUrl: string;
  /** Read on every request so a key changed in Settings applies at once. */
  apiKey: () => string;
  timeoutMs: number;
  fetch?: typeof fetch;
  log?: AllocationClientLog;
}

/** A strategy the provider publishes, as offered in Settings. */
export interface StrategyListing {
  name: string;
  slug: string;
}

/** The strategy slug of a provider name: lower-cased, spaces as hyphens (`ETF Blend 101-15` → `etf-blend-101-15`). */
export function strategySlug(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, '-');
}

const fraction = z.number().check((ctx) => {
  if (ctx.value < 0 || ctx.value > 1 || !Number.isFinite(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `is ${ctx.value}, must be between 0 and 1`,
    });
  }
});

const optionalText = z.string().nullish();

const allocationsAnswer = z.object({
  status: z.literal('success'),
  data: z.object({
    allocations: z.array(z.object({ symbol: z.string().trim().min(1), allocation: fraction })),
    name: optionalText,
    strategy_long_name: optionalText,
    last_rebalance_on: optionalText,
    as_of: optionalText,
  }),
});

const strategiesAnswer = z.object({
  strategies: z.array(z.object({ strategy_name: z.string().trim().min(1) })),
});

/** `data.allocations[2].allocation` → `allocations[2].allocation`; the envelope prefix tells the trader nothing. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  }
  return text.startsWith('data.') ? text.slice('data.'.length) : text === '' ? 'the answer' : text;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** One readable line per zod issue, each naming the field: `allocations[2].allocation is 1.7, must be between 0 and 1`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const where = pathText(issue.path);
      switch (issue.code) {
        case 'invalid_type':
          return issue.input === undefined
            ? `${where} is missing`
            : `${where} is ${describe(issue.input)}, must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected}`;
        case 'invalid_value':
          return `${where} is ${describe(issue.input)}, must be ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}`;
        case 'too_small':
          return `${where} is empty`;
        case 'custom':
          return `${where} ${issue.message}`;
        default:
          return `${where}: ${issue.message}`;
      }
    })
    .join('; ')
    .concat(issues.length > 5 ? `; and ${issues.length - 5} more` : '');
}

/** Reads the allocation API with a timeout, turning every failure into a §10 kind. */
export class AllocationClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: AllocationClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The target weights of `strategy` (a slug): `GET {baseUrl}/{strategy}/allocations`. */
  async getAllocations(strategy: string): Promise<AllocationSet> {
    const what = `allocations of "${strategy}"`;
    const body = await this.request(`/${encodeURIComponent(strategy)}/allocations`, what, strategy);
    const status = (body as { status?: unknown } | null)?.status;
    if (typeof status === 'string' && status !== 'success') {
      const said = (body as { message?: unknown }).message;
      throw this.fail(
        invalidError(
          `the allocation API answered status ${JSON.stringify(status)} for ${what}` +
            (typeof said === 'string' && said !== '' ? ` (${said.slice(0, 200)})` : ''),
        ),
      );
    }
    const parsed = allocationsAnswer.safeParse(body, { reportInput: true });
    if (!parsed.success)
      throw this.fail(
        invalidError(`the allocation API's answer for ${what} is not usable: ${describeIssues(parsed.error.issues)}`),
      );
    const data = parsed.data.data;
    const set: AllocationSet = {
      strategy,
      allocations: data.allocations.map((a) => ({ symbol: a.symbol.toUpperCase(), weight: a.allocation })),
      asOf: data.as_of ?? null,
      lastRebalanceOn: data.last_rebalance_on ?? null,
      name: data.name ?? null,
      longName: data.strategy_long_name ?? null,
    };
    this.options.log?.debug({ strategy, asOf: set.asOf, symbols: set.allocations.length }, 'allocations received');
    return set;
  }

  /** The strategies the provider publishes: `GET {baseUrl}/`, names with their slugs. */
  async listStrategies(): Promise<StrategyListing[]> {
    const body = await this.request('/', 'the strategy list', null);
    const parsed = strategiesAnswer.safeParse(body, { reportInput: true });
    if (!parsed.success)
      throw this.fail(
        invalidError(`the allocation API's strategy list is not usable: ${describeIssues(parsed.error.issues)}`),
      );
    return parsed.data.strategies.map((s) => ({ name: s.strategy_name.trim(), slug: strategySlug(s.strategy_name) }));
  }

  private async request(path: string, what: string, strategy: string | null): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    let text: string;
    try {
      const key = this.options.apiKey();
      response = await this.fetchFn(url, {
        headers: { ...(key ? { 'x-api-key': key } : {}), accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
        // §18: the key goes to zehnlabs.allocationsUrl only; fetch would resend it on a redirect to anywhere.
        redirect: 'manual',
      });
    } catch (error) {
      throw this.fail(this.networkError(error, what, url));
    }
    if (response.status >= 300 && response.status < 400) {
      throw this.fail(this.redirectError(response, what, url));
    }
    try {
      text = await response.text();
    } catch (error) {
      // Reached, but the answer stopped part-way (connection closed, timeout while reading): say so, not "unreachable".
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      throw this.fail(
        transientError(
          timedOut
            ? `the allocation API's answer for ${what} did not arrive in full within ${this.options.timeoutMs} ms`
            : `the allocation API's answer for ${what} was cut off before the end (${this.detailOf(error)})`,
        ),
      );
    }
    if (!response.ok) throw this.fail(this.statusError(response.status, what, strategy));
    try {
      return JSON.parse(text) as unknown;
    } catch {
      const start = text.trim().slice(0, 40);
      throw this.fail(
        invalidError(`the allocation API's answer for ${what} is not JSON (starts with ${JSON.stringify(start)})`),
      );
    }
  }

  private redirectError(response: Response, what: string, url: string): DeskError {
    let where = 'another address';
    try {
      where = new URL(response.headers.get('location') ?? '', url).origin;
    } catch {
      // no usable Location: "another address"
    }
    void response.body?.cancel();
    return invalidError(
      `the allocation API answered ${what} with a redirect (HTTP ${response.status}) to ${where}; the API key is ` +
        'sent only to zehnlabs.allocationsUrl itself, so it was not followed — set zehnlabs.allocationsUrl to the new ' +
        'address (and type the key again) if it is right',
    );
  }

  private networkError(error: unknown, what: string, url: string): DeskError {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return transientError(`the allocation API did not answer ${what} within ${this.options.timeoutMs} ms`);
    }
    return transientError(`the allocation API could not be reached for ${what} at ${url} (${this.detailOf(error)})`);
  }

  private detailOf(error: unknown): string {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
    return [error instanceof Error ? error.message : String(error), cause].filter(Boolean).join(': ');
  }

  private statusError(status: number, what: string, strategy: string | null): DeskError {
    if (status === 401 || status === 403) {
      return rejectedError(
        `the allocation API refused the API key (HTTP ${status}) for ${what}; check zehnlabs.allocationsApiKey in Settings`,
      );
    }
    if (status === 404) {
      return strategy === null
        ? invalidError(
            `the allocation API has no strategy list at this address (HTTP 404); check zehnlabs.allocationsUrl`,
          )
        : invalidError(`unknown strategy "${strategy}": the allocation API answered HTTP 404`);
    }
    if (status === 429 || status >= 500) {
      return transientError(`the allocation API answered HTTP ${status} for ${what}; will retry`);
    }
    if (status >= 400) return invalidError(`the allocation API answered HTTP ${status} for ${what}`);
    return transientError(`the allocation API answered HTTP ${status} for ${what}`);
  }

  /** Scrubs the key from the message (defence in depth: it may be echoed in a URL or cause), logs, returns. */
  private fail(error: DeskError): DeskError {
    const key = this.options.apiKey();
    const clean =
      key.length > 0 && error.message.includes(key)
        ? new DeskError(error.kind, error.message.split(key).join('***'))
        : error;
    this.options.log?.warn({ kind: clean.kind }, clean.message);
    return clean;
  }
}
