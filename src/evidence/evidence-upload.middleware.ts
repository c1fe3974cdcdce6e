import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sniffCertificateFile, UploadVerdict } from './certificate-file';

export type RequestWithCertificate = Request & { file?: Express.Multer.File; certificateKind?: UploadVerdict };

/**
 * The certificate form posts multipart/form-data, whose CSRF field must be read before the auth
 * guard checks it, so multer runs here, as middleware, for a person signed in by a link only. The
 * file goes to the temporary folder (size-limited), its kind is read from its first bytes, and
 * the verdict is put in the form's `file` field (replacing anything posted under that name) for the
 * form's DTO ("too-big:5" with the limit applied). The temporary file is removed when the answer is done (a kept one has been moved).
 */
export function evidenceUploadMiddleware(maxMb: () => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.session?.personStaffId || !req.is('multipart/form-data')) return next();
    const upload = multer({
      dest: tmpdir(),
      defParamCharset: 'utf8',
      limits: { fileSize: maxMb() * 1024 * 1024, files: 1, fields: 20, fieldSize: 64 * 1024 },
    }).single('file');
    const request = req as RequestWithCertificate;
    const cleanUp = () => {
      if (request.file) void rm(request.file.path, { force: true });
    };
    res.once('finish', cleanUp);
    res.once('close', cleanUp);
    upload(req, res, (error: unknown) => {
      const finish = (verdict: UploadVerdict) => {
        request.certificateKind = verdict;
        req.body = { ...(req.body ?? {}), file: verdict === 'too-big' ? `too-big:${maxMb()}` : verdict };
        next();
      };
      if (error) return finish((error as { code?: string }).code === 'LIMIT_FILE_SIZE' ? 'too-big' : 'failed');
      if (!request.file || request.file.size === 0) return finish('missing');
      sniffCertificateFile(request.file.path).then(
        (kind) => finish(kind ?? 'wrong-type'),
        () => finish('failed'),
      );
    });
  };
}
