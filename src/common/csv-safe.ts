/**
 * A cell for a CSV file people will open in a spreadsheet: text starting with = + - @, a tab or a
 * carriage return gets a leading ' so Excel shows it as text instead of running it as a formula
 * (CSV injection). Only for exports: the database keeps values exactly as they were given.
 */
export function safeCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
