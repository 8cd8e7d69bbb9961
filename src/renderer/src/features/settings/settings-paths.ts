/** Reading and immutably writing a settings draft by dotted path ("ib.port", "accounts.0.strategy"). */

export type Draft = Record<string, unknown>;

function segments(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

export function getAt(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const key of segments(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function setAt<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = segments(path);
  if (head === undefined) return value as T;
  const restPath = rest.join('.');
  if (Array.isArray(obj)) {
    const copy = [...obj];
    copy[Number(head)] = setAt(copy[Number(head)], restPath, value);
    return copy as T;
  }
  const base = obj !== null && typeof obj === 'object' ? (obj as Record<string, unknown>) : {};
  return { ...base, [head]: setAt(base[head], restPath, value) } as T;
}

/** An issue path from the schema or the server, as the dotted key used by the form (`settings.` prefix dropped). */
export function issueKey(path: string | readonly PropertyKey[]): string {
  const text = typeof path === 'string' ? path : path.map(String).join('.');
  return text.replace(/^settings\./, '').replace(/^settings$/, '');
}

/**
 * What the text of a number box stands for in the draft: the number, when it is written plainly ("4002", "-5",
 * "0.5"); otherwise the text itself ("1e3", "abc", "4 002"), which the schema refuses with the field's own message.
 * Nothing is rounded, clamped or guessed. An empty box is null for a field that may be unset, else ''.
 */
export function numberFromText(text: string, nullable = false): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return nullable ? null : '';
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? Number(trimmed) : text;
}
