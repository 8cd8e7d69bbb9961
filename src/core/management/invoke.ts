/**
 * The one pipeline from a transport to a management operation (§11), for IPC (src/main/ipc.ts) and HTTP
 * (src/server/http-app.ts) alike: the operation looked up by name, demo-only operations gated, the input checked and
 * validated with the operation's schema, then its handler called. Errors come back as the `{error, message}` body,
 * never thrown; each transport only adds its own framing (HTTP status and routes, IPC sender checks and JSON).
 */
import { isOperationName, operations, type CallResult, type Handlers, type OperationName } from '../../shared/contract';
import { ApiError, invalidInput, toErrorBody } from './api-error';

export interface InvokeContext {
  /** The handlers in force (the core's, or its stand-ins while the core is down). */
  handlers: Handlers;
  /** Demo-only operations are answered only in demo mode (never in the desktop app). */
  demo?: boolean | undefined;
}

/** Validates `input` for the operation `name` and runs it; any failure is the error body of the result. */
export async function invokeOperation(name: unknown, input: unknown, ctx: InvokeContext): Promise<CallResult<unknown>> {
  try {
    return { ok: true, value: await run(operationOf(name, ctx), input, ctx) };
  } catch (error) {
    return { ok: false, error: toErrorBody(error) };
  }
}

function operationOf(name: unknown, ctx: InvokeContext): OperationName {
  if (!isOperationName(name)) {
    throw new ApiError(
      'not-found',
      `no operation named ${JSON.stringify(typeof name === 'string' ? name.slice(0, 80) : name)}`,
    );
  }
  const def = operations[name];
  if ('demoOnly' in def && def.demoOnly && !ctx.demo) {
    throw new ApiError('not-found', `${name} is only available in demo mode`);
  }
  return name;
}

async function run(name: OperationName, input: unknown, ctx: InvokeContext): Promise<unknown> {
  const raw = input === undefined || input === null ? {} : input;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('invalid', 'input must be an object');
  const parsed = operations[name].input.safeParse(raw);
  if (!parsed.success) throw invalidInput(parsed.error.issues);
  const handler = ctx.handlers[name] as (input: unknown) => Promise<unknown>;
  return handler(parsed.data);
}
