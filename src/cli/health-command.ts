/**
 * `source health [slug] [--clear] [--json]`: the extraction health of sources (src/health): degraded or not, since
 * when and why, captures held back, recent events; `--clear` marks a degraded source recovered by hand.
 */
import type { SourceHealthEvent, SourceHealthState, Store } from '../store/index.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';

/** One source's health as printed. */
interface HealthLine {
  slug: string;
  degraded: SourceHealthState | null;
  heldCaptures: number;
  events: SourceHealthEvent[];
}

async function lineOf(store: Store, id: number, slug: string, held: Map<string, number>, events: number): Promise<HealthLine> {
  return {
    slug, degraded: await store.getSourceHealthState(id), heldCaptures: held.get(slug) ?? 0,
    events: events > 0 ? await store.listSourceHealthEvents(id, events) : [],
  };
}

function describe(l: HealthLine): string {
  const state = l.degraded ? `DEGRADED since ${l.degraded.since}: ${l.degraded.reason}` : 'healthy';
  return `${l.slug}\t${state}${l.heldCaptures ? `\t${l.heldCaptures} captures held back (palimpsest reextract --source ${l.slug})` : ''}\n`;
}

/** Prints the health of one source (with its recent events) or of all; clears a degraded one with `clear`. */
export async function sourceHealthCommand(g: GlobalOptions, slug: string | undefined, opts: { clear?: boolean; json?: boolean }): Promise<number> {
  const config = commandConfig(g);
  if (opts.clear && !slug) {
    process.stderr.write('palimpsest source health: --clear needs the source slug\n');
    return 2;
  }
  return withStore(config, async (store) => {
    const held = new Map((await store.countHeldCaptures()).map((c) => [c.sourceSlug, c.count] as const));
    let lines: HealthLine[];
    if (slug) {
      const s = await store.getSourceBySlug(slug);
      if (!s) {
        process.stderr.write(`palimpsest source health: no source ${slug}\n`);
        return 2;
      }
      if (opts.clear) {
        const e = await store.clearSourceDegraded(s.id, new Date().toISOString(), 'cleared by an operator');
        process.stdout.write(e ? `${slug}: marked recovered\n` : `${slug}: was not degraded\n`);
      }
      lines = [await lineOf(store, s.id, s.slug, held, 10)];
    } else {
      lines = [];
      for (const s of await store.listSources()) lines.push(await lineOf(store, s.id, s.slug, held, 0));
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(slug ? lines[0] : lines, null, 2)}\n`);
      return 0;
    }
    for (const l of lines) {
      process.stdout.write(describe(l));
      for (const e of l.events) process.stdout.write(`  ${e.at}\t${e.kind}\t${e.reason}\n`);
    }
    return 0;
  });
}
