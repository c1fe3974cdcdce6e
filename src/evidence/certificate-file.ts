import { open } from 'node:fs/promises';

/** What a certificate may be, found from its first bytes (never from its name or the browser's word). */
export type CertificateKind = 'pdf' | 'png' | 'jpeg';

export const CERTIFICATE_TYPES: Record<CertificateKind, { contentType: string; extension: string; name: string }> = {
  pdf: { contentType: 'application/pdf', extension: 'pdf', name: 'PDF' },
  png: { contentType: 'image/png', extension: 'png', name: 'PNG image' },
  jpeg: { contentType: 'image/jpeg', extension: 'jpg', name: 'JPEG image' },
};

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The kind of file these first bytes start, or null: PDF ("%PDF-"), PNG (its 8-byte signature) or JPEG (FF D8 FF). */
export function sniffCertificate(head: Buffer): CertificateKind | null {
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG)) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return null;
}

/** The kind of the file at this path, read from its first bytes. */
export async function sniffCertificateFile(path: string): Promise<CertificateKind | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const { bytesRead } = await file.read(head, 0, 16, 0);
    return sniffCertificate(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/**
 * What the upload middleware found about the posted file, put in the form's `file` field for the
 * form's DTO to check with the other fields: a kind, or why there is none.
 */
export type UploadVerdict = CertificateKind | 'missing' | 'too-big' | 'wrong-type' | 'failed';
