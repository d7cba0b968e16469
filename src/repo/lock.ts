/**
 * One update at a time per repository: a lock file holding the updater's
 * pid in the generations folder, taken with O_EXCL. A lock whose process is
 * gone (killed outright) is taken over; a live one is refused at once (75).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TempFailError } from '../core/errors.js';
import { removeOnInterrupt } from '../core/interrupt.js';
import { alive } from './generations.js';

async function tryCreate(file: string): Promise<boolean> {
  try {
    await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Takes the lock of `root` (which must exist); returns its release. */
export async function lockRepository(root: string, dir: string): Promise<() => Promise<void>> {
  const file = path.join(root, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await tryCreate(file)) {
      const unregister = removeOnInterrupt(file);
      return async () => {
        unregister();
        await fs.rm(file, { force: true });
      };
    }
    const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
      throw new TempFailError('repo.locked', `${dir}: another update (pid ${pid}) is running; try again when it is done`);
    }
    await fs.rm(file, { force: true });
  }
  throw new TempFailError('repo.locked', `${dir}: the lock ${file} keeps coming back; is another update starting?`);
}
