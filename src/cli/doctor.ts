/**
 * `palimpsest doctor`: what an operator of a long-running archive wants to know at a glance. Whether the database
 * is sound (the store's consistency check: SQLite's integrity and foreign-key checks where there are such, the
 * invariants of the data), whether the search index matches the versions, how much is stored, how late the
 * scheduler is (the oldest due article and by how much it is overdue), which hosts asked to be left alone and
 * until when, and which sources' extraction looks broken (degraded). A readable report, or JSON with --json; exit code 1 when a problem is found. It changes nothing: the
 * database is not migrated, and each part that cannot be read is reported as a problem instead of ending the run.
 */
import fs from 'node:fs';
import { isPostgresUrl, type DeferredHost, type SourceHealthState, type Store } from '../store/index.js';
import { commandConfig, withStore, type GlobalOptions } from './context.js';

/** An article overdue by more than this is worth a warning: is a scheduler running? */
export const OVERDUE_WARNING_S = 3600;

/** The diagnosis, as printed with --json. */
export interface DoctorReport {
  /** No problem found. */
  ok: boolean;
  database: { backend: string; location: string; schemaVersion: number | null };
  /** The consistency check (search index apart); ok when it found nothing. */
  integrity: { ok: boolean; problems: string[] };
  searchIndex: { ok: boolean; problem: string | null };
  counts: { articles: Record<string, number> & { total: number }; versions: number; sources: number } | null;
  /** Articles due now, and the one due the longest. */
  due: { count: number; oldest: { id: number; url: string; nextCheck: string; overdueS: number } | null } | null;
  /** Hosts deferred by Retry-After right now. */
  deferredHosts: Array<DeferredHost & { remainingS: number }> | null;
  /** Sources whose extraction looks broken (src/health), with their captures held back. */
  degradedSources: Array<SourceHealthState & { heldCaptures: number }> | null;
  /** Everything wrong, in words (each also shown in its section). */
  problems: string[];
  /** Worth a look, but not wrong. */
  warnings: string[];
}

/** "3 h 4 min", "2 d 5 h", "45 s": a duration in its two largest units. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units: Array<[string, number]> = [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]];
  const i = Math.max(0, units.findIndex(([, size]) => s >= size));
  const [name, size] = s === 0 ? units[3]! : units[i]!;
  const major = `${Math.floor(s / size)} ${name}`;
  const next = units[i + 1];
  const minor = next && s > 0 ? Math.floor((s % size) / next[1]) : 0;
  return minor > 0 && next ? `${major} ${minor} ${next[0]}` : major;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Examines the store at `now` (see the module comment); never throws for what it finds. */
export async function diagnose(store: Store, now: Date): Promise<DoctorReport> {
  const problems: string[] = [];
  const warnings: string[] = [];
  /** Runs one part; a part that fails is a problem named after it. */
  const part = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      problems.push(`${name}: ${message(err)}`);
      return null;
    }
  };

  const schemaVersion = await part('schema version', () => store.schemaVersion());
  // The consistency check covers the search index too; that part is shown on its own line below.
  const checked = await part('consistency check', () => store.checkConsistency());
  const consistency = checked ?? [];
  const integrityProblems = consistency.filter((p) => !p.startsWith('search index:'));
  problems.push(...integrityProblems);
  let searchProblem: string | null = null;
  try {
    await store.checkSearchIndex();
  } catch (err) {
    searchProblem = message(err);
    problems.push(`search index: ${searchProblem}`);
  }

  const counts = await part('counts', async () => {
    // By status name, so that both backends list them alike.
    const byStatus = Object.fromEntries(Object.entries(await store.countArticlesByStatus()).sort(([a], [b]) => a.localeCompare(b)));
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    return { articles: { ...byStatus, total }, versions: await store.countVersions(), sources: (await store.listSources()).length };
  });

  const iso = now.toISOString();
  const due = await part('due articles', async () => {
    const [oldest] = await store.listDueArticles(iso, 1);
    const count = await store.countDueArticles(iso);
    if (!oldest) return { count, oldest: null };
    const overdueS = Math.max(0, (now.getTime() - Date.parse(oldest.nextCheck)) / 1000);
    if (overdueS > OVERDUE_WARNING_S) {
      warnings.push(`article ${oldest.id} has been due for ${formatDuration(overdueS)}: is a scheduler (serve or worker) running?`);
    }
    return { count, oldest: { id: oldest.id, url: oldest.url, nextCheck: oldest.nextCheck, overdueS: Math.round(overdueS) } };
  });

  const deferredHosts = await part('deferred hosts', async () => (await store.listDeferredHosts()).map((h) => ({
    ...h, remainingS: Math.max(0, Math.round((Date.parse(h.until) - now.getTime()) / 1000)),
  })));

  const degradedSources = await part('degraded sources', async () => {
    const held = new Map((await store.countHeldCaptures()).map((c) => [c.sourceSlug, c.count] as const));
    return (await store.listDegradedSources()).map((d) => ({ ...d, heldCaptures: held.get(d.sourceSlug) ?? 0 }));
  });
  for (const d of degradedSources ?? []) {
    warnings.push(`source ${d.sourceSlug} is degraded (its extraction looks broken): fix its rules, then palimpsest reextract --source ${d.sourceSlug}`);
  }

  return {
    ok: problems.length === 0,
    database: { backend: store.backend, location: store.location, schemaVersion },
    integrity: {
      ok: checked !== null && integrityProblems.length === 0,
      problems: checked === null ? problems.filter((p) => p.startsWith('consistency check:')) : integrityProblems,
    },
    searchIndex: { ok: searchProblem === null, problem: searchProblem },
    counts, due, deferredHosts, degradedSources, problems, warnings,
  };
}

/** The report as text, one topic a line. */
export function formatReport(r: DoctorReport): string {
  const out: string[] = [];
  const line = (label: string, text: string): void => { out.push(`${label.padEnd(16)}${text}`); };
  out.push(`Palimpsest doctor: ${r.database.location} (${r.database.backend}, schema version ${r.database.schemaVersion ?? 'unknown'})`);
  line('integrity', r.integrity.ok ? 'ok' : `${r.integrity.problems.length || 1} problem${r.integrity.problems.length === 1 ? '' : 's'}`);
  for (const p of r.integrity.problems) out.push(`  - ${p}`);
  line('search index', r.searchIndex.ok ? 'ok' : (r.searchIndex.problem ?? 'problem'));
  if (r.counts) {
    const { total, ...byStatus } = r.counts.articles;
    const detail = Object.entries(byStatus).filter(([, n]) => n > 0).map(([s, n]) => `${s} ${n}`).join(', ');
    line('articles', `${total}${detail ? ` (${detail})` : ''}`);
    line('versions', String(r.counts.versions));
    line('sources', String(r.counts.sources));
  }
  if (r.due) {
    const o = r.due.oldest;
    line('due now', o ? `${r.due.count}; the oldest is article ${o.id}, due since ${o.nextCheck} (overdue by ${formatDuration(o.overdueS)}): ${o.url}`
      : '0');
  }
  if (r.deferredHosts) {
    if (r.deferredHosts.length === 0) line('hosts deferred', 'none');
    else {
      line('hosts deferred', String(r.deferredHosts.length));
      for (const h of r.deferredHosts) out.push(`  - ${h.host} until ${h.until} (${formatDuration(h.remainingS)} from now): ${h.reason}`);
    }
  }
  if (r.degradedSources) {
    line('degraded', r.degradedSources.length === 0 ? 'none' : String(r.degradedSources.length));
    for (const d of r.degradedSources) {
      out.push(`  - ${d.sourceSlug} since ${d.since}: ${d.reason}${d.heldCaptures ? `; ${d.heldCaptures} captures held back` : ''}`);
    }
  }
  for (const w of r.warnings) out.push(`warning: ${w}`);
  if (r.problems.length === 0) out.push('No problems found.');
  else {
    out.push(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found:`);
    for (const p of r.problems) out.push(`  - ${p}`);
  }
  return `${out.join('\n')}\n`;
}

/** `doctor [--json]`: prints the diagnosis; exit code 1 when a problem is found. */
export async function doctorCommand(g: GlobalOptions, opts: { json?: boolean } = {}): Promise<number> {
  const config = commandConfig(g);
  // Opening a missing SQLite file would create an empty database: there is nothing to examine, say so instead.
  if (!isPostgresUrl(config.db) && config.db !== ':memory:' && !fs.existsSync(config.db)) {
    process.stderr.write(`palimpsest doctor: no database at ${config.db} (give --db or PALIMPSEST_DB)\n`);
    return 1;
  }
  return withStore(config, async (store) => {
    const report = await diagnose(store, new Date());
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  }, { migrate: false });
}
