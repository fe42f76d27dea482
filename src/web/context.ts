/** What every route module of the web layer gets. */
import type { Config } from '../config/index.js';
import type { Db } from '../store/db.js';
import type { Renderer } from './render.js';

/** Shared dependencies of the route modules. */
export interface WebContext {
  db: Db;
  config: Config;
  now: () => Date;
  render: Renderer;
}
