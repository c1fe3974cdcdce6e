import {
  CallHandler,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
  Type,
  UseInterceptors,
  applyDecorators,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { tmpdir } from 'node:os';
import { catchError, Observable, throwError } from 'rxjs';
import { FieldError } from '../common/field-error';

export const MAX_UPLOAD_MB = 200;

/** multer's own wording ("File too large", "Unexpected field") turned into messages a user can act on. */
@Injectable()
class UploadErrorsInterceptor implements NestInterceptor {
  intercept(_: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof PayloadTooLargeException) {
          return throwError(() => new FieldError('file', `the file is larger than ${MAX_UPLOAD_MB} MB: split it into smaller files`, HttpStatus.PAYLOAD_TOO_LARGE));
        }
        if (error instanceof HttpException && error.getStatus() === 400 && /Unexpected field|Field name|Too many/i.test(error.message)) {
          return throwError(() => new FieldError('file', 'send one file, in the multipart field named "file"', HttpStatus.BAD_REQUEST));
        }
        return throwError(() => error);
      }),
    );
  }
}

/**
 * One spreadsheet in the multipart field `file`, saved by multer to the temporary folder (never
 * held in memory) and limited in size; the service deletes it once the import is done with it.
 */
export function SpreadsheetUpload(): MethodDecorator & ClassDecorator {
  const files: Type<NestInterceptor> = FileInterceptor('file', {
    dest: tmpdir(),
    // Browsers send file names as UTF-8, not the Latin-1 multer assumes by default.
    defParamCharset: 'utf8',
    limits: { fileSize: MAX_UPLOAD_MB * 1024 * 1024, files: 1, fields: 20, fieldSize: 1024 * 1024 },
  });
  return applyDecorators(UseInterceptors(UploadErrorsInterceptor, files));
}
