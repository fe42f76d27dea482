/** Content hashes used by the store and its callers. */
import { createHash } from 'node:crypto';

/** SHA-256 of a buffer or string, hex. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
