/** Shared set-up for CLI commands: configuration from flags, the store, the logger. */
import pino, { type Logger } from 'pino';
import { loadConfig, type Config } from '../config/index.js';
import { openStore, type OpenStoreOptions, type Store } from '../store/index.js';

/** Global options every command accepts. */
export interface GlobalOptions {
  db?: string;
  allowPrivate?: boolean;
  config?: string;
  logLevel?: string;
}

/** Turns global and command flags into configuration overrides (only the ones given). */
export function flagsToConfig(g: GlobalOptions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const flags: Record<string, unknown> = { ...extra };
  if (g.db) flags.db = g.db;
  if (g.allowPrivate) flags.allowPrivate = true;
  if (g.logLevel) flags.logLevel = g.logLevel;
  return flags;
}

/** Loads the configuration for a command. */
export function commandConfig(g: GlobalOptions, extra: Record<string, unknown> = {}): Config {
  return loadConfig({ file: g.config, flags: flagsToConfig(g, extra) });
}

/** A pino logger writing to stderr, so that stdout stays clean for command output. */
export function makeLogger(config: Config): Logger {
  return pino({ level: config.logLevel, base: undefined }, pino.destination(2));
}

/** Opens the configured database (a SQLite file or a PostgreSQL URL), migrating it unless told not to. */
export function openConfiguredStore(config: Config, opts: OpenStoreOptions = {}): Promise<Store> {
  return openStore(config.db, opts);
}

/** Runs `fn` with the configured store open and closes the store afterwards, whatever happens. */
export async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>, opts: OpenStoreOptions = {}): Promise<T> {
  const store = await openConfiguredStore(config, opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
