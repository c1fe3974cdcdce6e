import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { MAX_UPLOAD_MB } from './upload';

/**
 * The upload page posts multipart/form-data. Its CSRF field must be read before the auth guard
 * checks it, and guards run before interceptors, so for that one page route multer runs here, as
 * middleware, only for requests with credentials (anything else is refused by the guard unread). A
 * multer error is left on the request for the page to explain; the temporary file is removed
 * when the response is done (a kept preview has been moved aside by then).
 */
export function pageUploadMiddleware() {
  const upload = multer({
    dest: tmpdir(),
    // Browsers send file names as UTF-8, not the Latin-1 multer assumes by default.
    defParamCharset: 'utf8',
    limits: { fileSize: MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 20, fieldSize: 64 * 1024 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    const credentials = Boolean(req.session?.userId) || /^Bearer\s/i.test(req.headers.authorization ?? '');
    if (!credentials || !req.is('multipart/form-data')) return next();
    const cleanUp = () => {
      const file = (req as Request & { file?: { path: string } }).file;
      if (file) void rm(file.path, { force: true });
    };
    res.once('finish', cleanUp);
    res.once('close', cleanUp);
    upload(req, res, (error: unknown) => {
      if (error) (req as Request & { uploadError?: unknown }).uploadError = error;
      next();
    });
  };
}
