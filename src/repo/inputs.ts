/** Reading the package files named on the command line. */
import { promises as fs } from 'node:fs';
import { DataError, NoInputError } from '../core/errors.js';

export interface InputFile {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** Modification time in whole seconds (createrepo's time file). */
  readonly mtime: number;
}

/** Reads each file; a missing one is a NoInputError (66), a folder a DataError (65). */
export async function readInputs(files: readonly string[], ext: string): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const file of files) {
    const st = await fs.stat(file).catch((e: NodeJS.ErrnoException) => {
      throw new NoInputError(file, `${file}: cannot read the package: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { code: 'repo.input', cause: e });
    });
    if (!st.isFile()) throw new DataError('repo.input.kind', `${file}: not a ${ext} file (a ${st.isDirectory() ? 'folder' : 'special file'})`, { field: 'package' });
    out.push({ file, bytes: new Uint8Array(await fs.readFile(file)), mtime: Math.floor(st.mtimeMs / 1000) });
  }
  return out;
}
