#!/usr/bin/env node
/** The `palimpsest` command line. */
import { Command, Option } from 'commander';
import type { GlobalOptions } from './context.js';
import type { SourceAddOptions } from './source-commands.js';
import type { NotifyAddOptions } from './notify-commands.js';

// Each command's module is imported when the command runs, not before: `palimpsest --help` or a diff of two files
// then never loads the store drivers, the fetcher, the web app or the extractor.
const commands = {
  main: () => import('./commands.js'),
  doctor: () => import('./doctor.js'),
  exports: () => import('./export-commands.js'),
  reextract: () => import('./reextract.js'),
  serve: () => import('./serve.js'),
  sources: () => import('./source-commands.js'),
  extract: () => import('./extract-command.js'),
  diff: () => import('./diff-command.js'),
  worker: () => import('./worker.js'),
  notify: () => import('./notify-commands.js'),
  health: () => import('./health-command.js'),
  compact: () => import('./compact.js'),
};

const program = new Command();
program
  .name('palimpsest')
  .description('Track news articles, keep every version, show what changed.')
  .option('--db <path-or-url>', 'SQLite database file, or postgres://user:password@host:5432/database (env PALIMPSEST_DB, default ./data/palimpsest.db)')
  .option('--allow-private', 'let the fetcher reach loopback and private addresses (env PALIMPSEST_ALLOW_PRIVATE=1)')
  .option('--config <file>', 'JSON or YAML configuration file (env PALIMPSEST_CONFIG)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
  .showHelpAfterError();

let exitCode = 0;
const globals = (): GlobalOptions => program.opts<GlobalOptions>();

program.command('serve')
  .description('run the web site and the scheduler')
  .option('--port <port>', 'HTTP port (default 8080)')
  .option('--host <host>', 'address to listen on (default 127.0.0.1)')
  .option('--no-scheduler', 'serve only; do not check articles in the background')
  .action(async (opts: { port?: string; host?: string; scheduler?: boolean }) => { exitCode = await (await commands.serve()).serveCommand(globals(), opts); });

program.command('worker')
  .description('check articles and poll sources, claiming work in the shared database (run any number, on any machines)')
  .option('--port <port>', 'serve /healthz and /metrics on this port (0: any free port)')
  .option('--host <host>', 'address for --port (default 127.0.0.1)')
  .action(async (opts: { port?: string; host?: string }) => { exitCode = await (await commands.worker()).workerCommand(globals(), opts); });

program.command('track')
  .description('start tracking articles; prints their ids')
  .argument('<url...>', 'article URLs')
  .action(async (urls: string[]) => { exitCode = await (await commands.main()).trackCommand(globals(), urls); });

program.command('check')
  .description('check articles now (by default the ones that are due) and print a summary')
  .argument('[article...]', 'article ids or URLs')
  .option('--all', 'check every active or paused article')
  .option('--concurrency <n>', 'checks at the same time')
  .action(async (targets: string[], opts: { all?: boolean; concurrency?: string }) => { exitCode = await (await commands.main()).checkCommand(globals(), targets, opts); });

program.command('extract')
  .description('run the extractor on HTML files (or - for stdin) and print JSON; --jsonl for one object per file')
  .argument('[files...]', 'HTML files, or - for standard input')
  .option('--url <url>', 'the page URL (for relative links and site rules)')
  .option('--jsonl', 'print one JSON object per file, with a "file" field')
  .option('--explain', 'report why each element and text block was kept or dropped, and the chosen body container (with --jsonl: an "explain" field)')
  .action(async (files: string[], opts: { url?: string; jsonl?: boolean; explain?: boolean }) => { exitCode = (await commands.extract()).extractCommand(files, opts); });

program.command('reextract')
  .description('re-derive stored versions from their raw responses with the current extractor and source rules, merging versions that became identical; captures held back from a degraded source become versions when they now extract well')
  .argument('[article...]', 'article ids')
  .option('--all', 'every article')
  .option('--source <slug>', "every article of this source (also recovers captures held back while it was degraded)")
  .action(async (targets: string[], opts: { all?: boolean; source?: string }) => { exitCode = await (await commands.reextract()).reextractCommand(globals(), targets, opts); });

program.command('diff')
  .description('diff two text files, or two versions of a tracked article with --article')
  .argument('<old>', 'old text file (or version number with --article)')
  .argument('<new>', 'new text file (or version number with --article)')
  .option('--format <format>', 'json or text', 'text')
  .option('--article <id>', 'diff versions <old> and <new> of this tracked article')
  .option('--color', 'colour the text output (default: when stdout is a terminal)')
  .option('--no-color', 'never colour the text output')
  .action(async (a: string, b: string, opts: { format?: string; article?: string; color?: boolean }) => { exitCode = await (await commands.diff()).diffCommand(globals(), a, b, opts); });

const source = program.command('source').description('manage sources: feeds, sitemaps and front pages whose new articles are tracked');
source.command('add')
  .description('add a source; its new articles are tracked from its first poll')
  .argument('<name>', 'display name (the slug is derived from it)')
  .option('--feed <url...>', 'RSS, Atom or JSON Feed URLs')
  .option('--sitemap <url...>', 'sitemap or sitemap index URLs (news sitemaps and .xml.gz included)')
  .option('--page <url...>', 'front page URLs (needs --links)')
  .option('--links <selector-or-pattern>', 'page sources: CSS selector of the article links, or a URL pattern (starts with /, re:, ** or http(s)://)')
  .option('--include <pattern...>', 'track only URLs matching one of these patterns')
  .option('--exclude <pattern...>', 'never track URLs matching these patterns')
  .option('--interval <seconds>', 'seconds between polls (default 600, at least 60)')
  .option('--slug <slug>', 'identifier (default: derived from the name)')
  .option('--strip-param <name...>', 'extra query parameters to strip (name, or prefix*)')
  .action(async (name: string, opts: SourceAddOptions) => { exitCode = await (await commands.sources()).sourceAddCommand(globals(), name, opts); });
source.command('list').description('list sources: kind, URLs, articles tracked, last poll, last error')
  .option('--json', 'print JSON').action(async (opts: { json?: boolean }) => { exitCode = await (await commands.sources()).sourceListCommand(globals(), opts); });
source.command('remove').description('remove a source (its articles stay tracked)').argument('<slug>')
  .action(async (slug: string) => { exitCode = await (await commands.sources()).sourceRemoveCommand(globals(), slug); });
source.command('sync').description('create or update the sources of a YAML or JSON file').argument('<file>')
  .action(async (file: string) => { exitCode = await (await commands.sources()).sourceSyncCommand(globals(), file); });
source.command('poll').description('poll sources now (all by default) and print what was found').argument('[slug...]')
  .action(async (slugs: string[]) => { exitCode = await (await commands.sources()).sourcePollCommand(globals(), slugs); });
source.command('health').description('extraction health of sources: degraded since when and why, captures held back, recent events')
  .argument('[slug]').option('--clear', 'mark the degraded source recovered (after fixing its rules; reextract recovers held captures)')
  .option('--json', 'print JSON')
  .action(async (slug: string | undefined, opts: { clear?: boolean; json?: boolean }) => { exitCode = await (await commands.health()).sourceHealthCommand(globals(), slug, opts); });

const notify = program.command('notify').description('notifications: webhooks, emails and Save Page Now requests about new versions, article events and source health');
notify.command('add')
  .description('subscribe a webhook, an email address or Save Page Now to changes (of every article, one source or one article)')
  .option('--webhook <url>', 'POST signed JSON to this URL')
  .option('--secret <secret>', 'webhook HMAC secret, at least 16 characters (default: generated and printed once)')
  .option('--email <address>', 'send emails to this address (needs notify.smtp.host)')
  .option('--archive', 'ask Save Page Now to archive each new version (needs notify.savePageNow.enabled)')
  .option('--source <slug>', 'only the articles of this source')
  .option('--article <id>', 'only this article')
  .option('--events <kind...>', 'version, absent, returned, redirected, degraded, recovered (default: version)')
  .option('--kinds <kind...>', 'change kinds of versions: initial, substantive, minor (default: substantive)')
  .option('--headline-only', 'only versions whose headline changed')
  .option('--min-words <n>', 'only versions with at least this many words added plus removed')
  .action(async (opts: NotifyAddOptions) => { exitCode = await (await commands.notify()).notifyAddCommand(globals(), opts); });
notify.command('list').description('list subscriptions (secrets masked)').option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => { exitCode = await (await commands.notify()).notifyListCommand(globals(), opts); });
notify.command('remove').description('remove a subscription with its queue and delivery log').argument('<id>')
  .action(async (id: string) => { exitCode = await (await commands.notify()).notifyRemoveCommand(globals(), id); });
notify.command('test').description('send the newest change in a subscription\'s scope to it now (exit code 1 when it fails)').argument('<id>')
  .action(async (id: string) => { exitCode = await (await commands.notify()).notifyTestCommand(globals(), id); });
notify.command('log').description('deliveries, newest first, with every attempt (status, error, duration)').argument('[id]', 'only this subscription')
  .option('--limit <n>', 'deliveries shown (default 20)').option('--json', 'print JSON')
  .action(async (id: string | undefined, opts: { limit?: string; json?: boolean }) => { exitCode = await (await commands.notify()).notifyLogCommand(globals(), id, opts); });
notify.command('run').description('queue new events and send due deliveries now, once (serve and worker do it every round)')
  .action(async () => { exitCode = await (await commands.notify()).notifyRunCommand(globals()); });

program.command('export')
  .description('export articles with every version: jsonl (lossless, re-importable), csv (a row per version with change statistics), warc (WARC 1.1 + CDXJ index) or wacz')
  .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'csv', 'warc', 'wacz']).default('jsonl'))
  .option('--article <id>', 'only this article (id or URL)')
  .option('--source <slug>', 'only the articles of this source')
  .option('--output <file>', 'output file, or - for stdout (default for jsonl and csv; a name ending .gz is gzipped); required for warc and wacz')
  .option('--no-checks', "jsonl: leave out each article's check log")
  .addOption(new Option('--bodies <encoding>', 'jsonl: response bodies as base64 of the document (raw, format version 1) or of its gzip (gzip, format version 2, about a fifth of the size)').choices(['raw', 'gzip']).default('raw'))
  .action(async (opts: { format?: string; article?: string; source?: string; output?: string; checks?: boolean; bodies?: string }) => { exitCode = await (await commands.exports()).exportCommand(globals(), opts); });

program.command('import')
  .description('import a JSON Lines export (plain or gzip, - for stdin) in one transaction: on any failure nothing is imported')
  .argument('<file>', 'file.jsonl, file.jsonl.gz or -')
  .option('--skip-bad', 'skip invalid lines (each reported with its number) instead of stopping at the first')
  .addOption(new Option('--existing <policy>', 'articles whose URL is already in the database: refuse the import, or skip them').choices(['refuse', 'skip']).default('refuse'))
  .option('--max-line-mib <n>', 'longest line read, in MiB (default 64); a longer line stops the import with its number')
  .action(async (file: string, opts: { skipBad?: boolean; existing?: string; maxLineMib?: string }) => { exitCode = await (await commands.exports()).importCommand(globals(), file, opts); });

program.command('doctor')
  .description('examine the database: integrity, search index, counts, the oldest due article, hosts deferred; exit code 1 on a problem')
  .option('--json', 'print the report as JSON')
  .action(async (opts: { json?: boolean }) => { exitCode = await (await commands.doctor()).doctorCommand(globals(), opts); });

program.command('compact')
  .description('convert bodies and texts stored before delta storage (gzip bodies, plain texts) to delta-compressed storage; runs beside serve, resumes when interrupted; prints bytes before and after')
  .option('--batch <n>', 'bodies per transaction (texts: ten times as many); default 50')
  .option('--vacuum', 'afterwards give the freed space back (SQLite: VACUUM rewrites the whole file and needs as much free disk)')
  .action(async (opts: { batch?: string; vacuum?: boolean }) => { exitCode = await (await commands.compact()).compactCommand(globals(), opts); });

program.command('migrate')
  .description('apply pending database migrations')
  .action(async () => { exitCode = await (await commands.main()).migrateCommand(globals()); });

try {
  await program.parseAsync(process.argv);
  process.exitCode = exitCode;
} catch (err) {
  // A configuration error and any other failure are reported alike: the message says what to fix.
  process.stderr.write(`palimpsest: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
