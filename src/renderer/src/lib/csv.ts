/** CSV text (RFC 4180 quoting) from a header and rows. */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (value: string | number | null | undefined): string => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A timestamp for export file names, e.g. `2026-12-02T06-13-51` (no characters a file system refuses). */
export function fileStamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-').slice(0, 19);
}

/** Saves text as a file through a Blob link (no server round trip; allowed by the CSP). */
export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
