import type { Request } from 'express';

/** The address the caller reached us at, for links printed or shown as QR codes (e.g. feedback). */
export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
