// Measures the rooms of the house: each source file's length and each
// function's (from its header line to its closing brace), by brace matching
// on the code with strings, template literals, regexes and comments blanked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Room {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly lines: number;
}

/** Every .ts file under `dir`, sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

// Comments, regex literals (after an operator or keyword), and string and template literals.
const LITERALS = new RegExp(
  [
    String.raw`\/\*[\s\S]*?\*\/`,
    String.raw`\/\/[^\n]*`,
    String.raw`(?<=(?:[(,=:[!&|?{};]|\breturn)\s*)\/(?![*/])(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[])+\/[a-z]*`,
    String.raw`'(?:\\.|[^'\\\n])*'`,
    String.raw`"(?:\\.|[^"\\\n])*"`,
    String.raw`\`(?:\\[\s\S]|[^\`\\])*\``,
  ].join('|'),
  'g',
);

// Blanks comments and the insides of string and template literals (keeping newlines), so braces there do not count.
function blank(code: string): string {
  return code.replace(LITERALS, (m) => m.replace(/[^\n]/g, ' '));
}

const HEADER = /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?\s+(\w+)|(?:(?:public|private|protected|static|override|readonly|async|get|set)\s+)*(\w+)\s*(?:<[^>]*>)?\([^;]*\)\s*(?::[^={;]+)?\{\s*$|(?:const|let)\s+(\w+)\s*=\s*(?:async\s+)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>\s*\{\s*$)/;
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'constructor_']);

/** The functions of one file with their lengths in lines. */
export function functionsOf(file: string): Room[] {
  const lines = blank(readFileSync(file, 'utf8')).split('\n');
  const rooms: Room[] = [];
  lines.forEach((text, i) => {
    const m = HEADER.exec(text);
    const name = m?.[1] ?? m?.[2] ?? m?.[3];
    if (!name || KEYWORDS.has(name)) return;
    const end = closingLine(lines, i);
    if (end !== undefined) rooms.push({ file, line: i + 1, name, lines: end - i + 1 });
  });
  return rooms;
}

// The line of the brace that closes the last '{' opened on line `start`.
function closingLine(lines: readonly string[], start: number): number | undefined {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    for (const c of lines[i]!) {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i;
    }
  }
  return undefined;
}

/** Line counts of the files. */
export function fileLengths(files: readonly string[]): { file: string; lines: number }[] {
  return files.map((file) => ({ file, lines: readFileSync(file, 'utf8').split('\n').length - 1 }));
}
