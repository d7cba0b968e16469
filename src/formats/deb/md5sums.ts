/**
 * The two list files of control.tar.
 *  - md5sums: one line per regular file of data.tar, in data.tar order,
 *    `<32 hex md5><two spaces><path without the leading '/'>` (as dh_md5sums
 *    and dpkg write it; no directories, no symlinks).
 *  - conffiles: the absolute paths of the configuration files, one per line,
 *    newline-terminated.
 * Both return undefined when there is nothing to list (the member is then omitted).
 */
export function renderMd5sums(sums: readonly { path: string; md5: string }[]): string | undefined {
  if (sums.length === 0) return undefined;
  return sums.map((s) => `${s.md5}  ${s.path.replace(/^\//, '')}\n`).join('');
}

export function renderConffiles(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  return paths.map((p) => `${p}\n`).join('');
}
