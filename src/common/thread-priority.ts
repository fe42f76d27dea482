/**
 * Background threads (the scheduler of `serve`, the extraction workers) run at a lower CPU priority than the web
 * server's thread, so that on a busy machine the kernel gives the web thread the core first and page latency stays
 * close to idle while a large check runs. On Linux the nice value belongs to each thread, so a thread can lower its
 * own priority without touching the rest of the process; elsewhere the call would lower the whole process (the web
 * server included), so it is not made.
 */
import os from 'node:os';

/** What lowerThreadPriority did: the nice value now in force, or why it was left alone. */
export type PriorityOutcome = { applied: true; nice: number } | { applied: false; reason: string };

/**
 * Raises the calling thread's nice value to `nice` (0-19; 0 leaves it as it is) and returns the outcome. Never
 * throws: a platform or permission that refuses it leaves the thread at its priority and says why.
 */
export function lowerThreadPriority(nice: number, platform: NodeJS.Platform = process.platform): PriorityOutcome {
  if (nice <= 0) return { applied: false, reason: 'background priority disabled (scheduler.backgroundNice is 0)' };
  if (platform !== 'linux') return { applied: false, reason: `per-thread priority is not available on ${platform}` };
  try {
    // pid 0 is the calling thread on Linux. A thread already at this nice value or lower priority keeps its own.
    if (os.getPriority(0) < nice) os.setPriority(0, nice);
    return { applied: true, nice: os.getPriority(0) };
  } catch (err) {
    return { applied: false, reason: `cannot lower the thread's priority: ${(err as Error).message}` };
  }
}
