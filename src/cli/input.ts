/** Reading a CLI argument that names a file, or - for standard input. */
import fs from 'node:fs';

/** The UTF-8 text of `file`, or of standard input when it is '-' or missing. */
export function readInput(file: string | undefined): string {
  return fs.readFileSync(!file || file === '-' ? 0 : file, 'utf8');
}
