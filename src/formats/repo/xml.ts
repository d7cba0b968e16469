/** XML text and attribute escaping, as libxml2 writes them (createrepo's output). */

/** Escapes &, < and > in text content. */
export const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Escapes text for a double-quoted attribute value. */
export const xmlAttr = (s: string): string => xmlText(s).replace(/"/g, '&quot;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

/** ` name="value"` for each defined value, in order. */
export function attrs(pairs: readonly (readonly [string, string | number | undefined])[]): string {
  return pairs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');
}
