/**
 * Scriptlets: PREIN/POSTIN/PREUN/POSTUN/PRETRANS/POSTTRANS with their *PROG
 * interpreter tags, and the interpreter as a Requires(<phase>) like rpmbuild adds
 * (RPMSENSE_INTERP | RPMSENSE_SCRIPT_*).
 *
 * The bodies run under /bin/sh with $1 = number of instances after the
 * operation (pre/post: 1 install, >= 2 upgrade; preun/postun: 0 erase, >= 1
 * upgrade); rendering them is the templates' job, not the writer's.
 */
import type { Scripts } from '../plan.js';
import type { HeaderBuilder } from './header.js';
import type { Dep } from './relations.js';
import {
  RPMSENSE_INTERP,
  RPMSENSE_POSTTRANS,
  RPMSENSE_PRETRANS,
  RPMSENSE_SCRIPT_POST,
  RPMSENSE_SCRIPT_POSTUN,
  RPMSENSE_SCRIPT_PRE,
  RPMSENSE_SCRIPT_PREUN,
  RPMTAG_POSTIN,
  RPMTAG_POSTINPROG,
  RPMTAG_POSTTRANS,
  RPMTAG_POSTTRANSPROG,
  RPMTAG_POSTUN,
  RPMTAG_POSTUNPROG,
  RPMTAG_PREIN,
  RPMTAG_PREINPROG,
  RPMTAG_PRETRANS,
  RPMTAG_PRETRANSPROG,
  RPMTAG_PREUN,
  RPMTAG_PREUNPROG,
} from './tags.js';

export const SCRIPT_INTERPRETER = '/bin/sh';

/** plan key → [body tag, prog tag, sense flag for the interpreter require, rpm name]. */
export const SCRIPTLETS: readonly (readonly [keyof Scripts, number, number, number, string])[] = [
  ['preinst', RPMTAG_PREIN, RPMTAG_PREINPROG, RPMSENSE_SCRIPT_PRE, '%pre'],
  ['postinst', RPMTAG_POSTIN, RPMTAG_POSTINPROG, RPMSENSE_SCRIPT_POST, '%post'],
  ['prerm', RPMTAG_PREUN, RPMTAG_PREUNPROG, RPMSENSE_SCRIPT_PREUN, '%preun'],
  ['postrm', RPMTAG_POSTUN, RPMTAG_POSTUNPROG, RPMSENSE_SCRIPT_POSTUN, '%postun'],
  ['pretrans', RPMTAG_PRETRANS, RPMTAG_PRETRANSPROG, RPMSENSE_PRETRANS, '%pretrans'],
  ['posttrans', RPMTAG_POSTTRANS, RPMTAG_POSTTRANSPROG, RPMSENSE_POSTTRANS, '%posttrans'],
];

/** Adds the scriptlet tags; returns the interpreter requirements to merge into REQUIRES. */
export function putScripts(h: HeaderBuilder, scripts: Scripts | undefined): Dep[] {
  const deps: Dep[] = [];
  if (!scripts) return deps;
  for (const [key, bodyTag, progTag, sense] of SCRIPTLETS) {
    const body = scripts[key];
    if (body === undefined || body.trim() === '') continue;
    // rpmbuild strips trailing whitespace from scriptlet bodies (stripTrailingBlanksStringBuf).
    h.string(bodyTag, body.replace(/\s+$/, ''));
    h.string(progTag, SCRIPT_INTERPRETER);
    deps.push({ name: SCRIPT_INTERPRETER, flags: RPMSENSE_INTERP | sense, version: '' });
  }
  return deps;
}
