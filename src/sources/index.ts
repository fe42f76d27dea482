/**
 * Sources: configured feeds, sitemaps and front pages whose new articles are tracked from the moment they appear.
 * Definitions (schema, sources file, creation) and polling; the parsers live in src/discovery, the storage behind
 * the Store interface of src/store.
 */
export {
  sourceSchema, parseSourceDefinition, definitionOf, toStoredSource, slugify, formatIssues, checkScheduleFor, SourceConfigError,
  type SourceDefinition, type SourceDefinitionInput,
} from './schema.js';
export { parseSourcesFile, loadSourcesFile, syncSources, syncSourcesFromFile, type SyncResult } from './file.js';
export { createSource, removeSource } from './manage.js';
export { pollSource, pollDueSources, type PollDeps, type PollDueOptions, type PollError, type PollResult } from './poll.js';
