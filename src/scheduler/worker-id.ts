/** Naming a process for the claims it takes in the shared database. */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

/** A worker id, unique across the fleet: host name, process id and a random part (pids repeat after restarts). */
export function workerId(role = 'worker'): string {
  return `${role}@${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
