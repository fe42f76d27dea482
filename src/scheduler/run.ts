/** Running a batch of checks with bounded concurrency and summarising the outcomes. */
import { checkArticle, type CheckDeps, type CheckResult, type CheckResultOutcome } from '../tracker/check.js';

/**
 * Outcomes a summary counts as errors. A `deferred` check (the host asked to be left alone) is one: the article was
 * not checked, though the article itself does not count it as a failure.
 */
export const FAILED_OUTCOMES: ReadonlySet<CheckResultOutcome> = new Set(['error', 'blocked', 'rejected', 'deferred']);

/** Counts of outcomes of a batch of checks. */
export interface CheckSummary {
  checked: number;
  newVersions: number;
  unchanged: number;
  errors: number;
  results: CheckResult[];
}

/** Options for a batch. */
export interface BatchOptions {
  concurrency: number;
  /** Called after each check (progress display, logging). */
  onResult?: (r: CheckResult, doneCount: number, total: number) => void;
}

/** Checks the given articles, at most `concurrency` at a time, and returns the summary. Never throws for one article. */
export async function checkMany(deps: CheckDeps, ids: number[], opts: BatchOptions): Promise<CheckSummary> {
  const summary: CheckSummary = { checked: 0, newVersions: 0, unchanged: 0, errors: 0, results: [] };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as number;
      let r: CheckResult;
      try {
        r = await checkArticle(deps, id);
      } catch (err) {
        r = { articleId: id, url: '', outcome: 'error', error: (err as Error).message, durationMs: 0 };
      }
      summary.results.push(r);
      summary.checked++;
      if (r.outcome === 'new_version') summary.newVersions++;
      else if (FAILED_OUTCOMES.has(r.outcome)) summary.errors++;
      else summary.unchanged++;
      opts.onResult?.(r, summary.checked, ids.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, ids.length) }, worker));
  summary.results.sort((a, b) => a.articleId - b.articleId);
  return summary;
}
