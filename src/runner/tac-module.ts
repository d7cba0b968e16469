/**
 * What a tac module must export: `application`, an Application (or any
 * IService, which is put under an Application named after the file).
 * Shared by `-y FILE` and the application bundled into a packaged app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DataError, NoInputError } from '../core/errors.js';
import { Application, isApplication } from '../application/application.js';
import type { IService } from '../application/service.js';

/** Twisted's message for a .tac without `application`. */
export const NO_APPLICATION_MESSAGE =
  "Could not find 'application' in the file. To use 'tacd -y', your .tac file must create a suitable object (e.g., by calling new Application()) and export it as 'application'";

/**
 * The Application for a tac module's `application` export.
 * @param where the file (or a description) named in the error.
 * @throws DataError (65, 'tacd.tac.noApplication') with Twisted's message when there is none.
 */
export async function asApplication(exported: unknown, where: string): Promise<Application> {
  if (isApplication(exported)) return exported;
  const s = exported as IService | null | undefined;
  if (s && typeof s.startService === 'function' && typeof s.setServiceParent === 'function') {
    const root = new Application(path.basename(where).replace(/\..*$/, '') || 'application');
    await s.setServiceParent(root);
    return root;
  }
  throw new DataError('tacd.tac.noApplication', `${where}: ${NO_APPLICATION_MESSAGE}`, { field: where });
}

/**
 * Checks, without running it, that a tac file exists, is a regular file and
 * can be read. @throws NoInputError (66) naming the file.
 */
export function checkTacFile(file: string): void {
  if (!fs.existsSync(file)) throw new NoInputError(file, `tac file not found: ${file}`, { code: 'tacd.tac.missing' });
  if (!fs.statSync(file).isFile()) throw new NoInputError(file, `tac file is not a regular file: ${file}`, { code: 'tacd.tac.missing' });
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (e) {
    throw new NoInputError(file, `tac file not readable: ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { code: 'tacd.tac.unreadable', cause: e });
  }
}
