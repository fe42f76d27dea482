/** The honest default User-Agent that Palimpsest sends. */
import { PALIMPSEST_VERSION } from '../common/version.js';

export { PALIMPSEST_VERSION };

/** Default User-Agent: names the tool, its version and where to learn about it, so site operators can reach us. */
export const DEFAULT_USER_AGENT = `Palimpsest/${PALIMPSEST_VERSION} (+https://github.com/palimpsest-news/palimpsest; news article version tracker)`;
