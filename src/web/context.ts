/** What every route module of the web layer gets. */
import type { Config } from '../config/index.js';
import type { Store } from '../store/index.js';
import type { HeavyGates } from './heavy.js';
import type { Renderer } from './render.js';

/** Shared dependencies of the route modules. */
export interface WebContext {
  /** The one storage interface (SQLite or PostgreSQL; the web layer never learns which). */
  store: Store;
  config: Config;
  now: () => Date;
  render: Renderer;
  /** The bounds on heavy requests (feeds, search, exports) of this app: a few at once, the rest queued. */
  heavy: HeavyGates;
}
