import { ERROR_STATUS, type ApiErrorBody, type ErrorCode } from '../../shared/contract';

/** An error meant for the management edge, carrying its contract code (§11). */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Omit<ApiErrorBody, 'error' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/**
 * The one place where errors become `{error, message}` bodies, for HTTP and IPC alike. Typed errors of the core
 * (queue conflict, not found, duplicate, invalid settings …) keep their code; anything else is `internal`.
 */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiError) return { error: error.code, message: error.message, ...error.extra };
  const e = error as { code?: unknown; message?: unknown; issues?: unknown; existingId?: unknown };
  if (e && isErrorCode(e.code)) {
    const body: ApiErrorBody = { error: e.code, message: String(e.message ?? e.code) };
    if (Array.isArray(e.issues)) body.issues = e.issues as ApiErrorBody['issues'];
    if (typeof e.existingId === 'string') body.existingId = e.existingId;
    return body;
  }
  // A failure of event work (DeskError) met at the edge, e.g. the allocation API down during a one-click catch-up.
  const kind = (error as { kind?: unknown } | null)?.kind;
  if (typeof kind === 'string' && error instanceof Error) {
    return { error: kind === 'invalid' ? 'invalid' : 'unavailable', message: error.message };
  }
  return { error: 'internal', message: error instanceof Error ? error.message : String(error) };
}

export function statusOf(body: ApiErrorBody): number {
  return ERROR_STATUS[body.error];
}

/** zod issues as `{path, message}` with a one-line summary naming every bad field. */
export function invalidInput(issues: { path: PropertyKey[]; message: string }[]): ApiError {
  const list = issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const summary = list.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  return new ApiError('invalid', `invalid input: ${summary}`, { issues: list });
}
