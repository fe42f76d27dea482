/**
 * Reading a JSON Lines file line by line at the byte level, with a bound: readline would buffer a line of any
 * length (a 2 GB line ends in "Invalid string length" with no line number), so the import splits the bytes itself,
 * stops as soon as a line passes the limit (without reading the rest of it), and decodes each line as strict UTF-8
 * (invalid bytes are an error with their position, never silently replaced).
 */

/** Longest line read by default: far above any real article line, far below V8's longest string. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Longest line limit accepted at all: V8 cannot hold much longer strings (and JSON.parse needs several times it). */
export const MAX_LINE_BYTES_LIMIT = 512 * 1024 * 1024;

/** A line longer than the limit; `line` is its number (1-based). */
export class LineTooLong extends Error {
  constructor(readonly line: number, readonly limit: number) {
    super(`line ${line} is longer than ${limit} bytes`);
  }
}

/** A line that is not valid UTF-8; `byte` is the 1-based position of the first bad byte in the line. */
export class InvalidUtf8 extends Error {
  constructor(readonly byte: number) {
    super(`invalid UTF-8 at byte ${byte} of the line (the file must be UTF-8 encoded)`);
  }
}

/**
 * The lines of a byte stream, without their "\n" (a "\r" before it is dropped too, as readline did), each at most
 * `maxBytes` long; throws LineTooLong as soon as the line being read passes the limit. A last line without "\n"
 * is yielded when it is not empty.
 */
export async function* byteLines(input: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  let lineNo = 1;
  const take = (): Buffer => {
    let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    parts = [];
    size = 0;
    return line;
  };
  for await (const chunk of input) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (size + (end - start) > maxBytes) throw new LineTooLong(lineNo, maxBytes);
      if (end > start) {
        parts.push(chunk.subarray(start, end));
        size += end - start;
      }
      if (nl === -1) break;
      yield take();
      lineNo++;
      start = nl + 1;
    }
  }
  if (size > 0) yield take();
}

/** 1-based position of the first byte of `b` that is not part of a well-formed UTF-8 sequence, or 0 when all are. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead byte: how many continuation bytes follow, and the range of the first one (no overlong forms, no
    // surrogates, nothing past U+10FFFF), as the Encoding Standard's decoder checks.
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i + 1;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i + 1;
    }
    i += n + 1;
  }
  return 0;
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** The line as text; throws InvalidUtf8 naming the first bad byte. A byte-order mark at its start is dropped. */
export function decodeLine(b: Buffer): string {
  try {
    return strict.decode(b);
  } catch {
    throw new InvalidUtf8(firstInvalidUtf8(b) || 1);
  }
}
