/** The part of unzipper's API the XLSX reader uses (the package ships no types). */
declare module 'unzipper' {
  import type { Readable } from 'node:stream';

  export interface File {
    path: string;
    type: 'File' | 'Directory';
    compressedSize: number;
    uncompressedSize: number;
    stream(password?: string): Readable;
  }

  export interface CentralDirectory {
    files: File[];
  }

  export const Open: { file(path: string): Promise<CentralDirectory> };
}
