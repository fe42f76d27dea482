/** Running a CLI command function in-process while capturing what it writes to stdout and stderr. */

/** What a command returned and wrote. */
export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Runs `fn`, capturing process.stdout and process.stderr writes until it settles. */
export async function runCapturing(fn: () => number | Promise<number>): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const realOut = process.stdout.write.bind(process.stdout);
  const realErr = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { out.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => { err.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    const code = await fn();
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}
