/**
 * The fetcher: bounded, polite HTTP(S) fetching of article pages, plus the politeness primitives the scheduler
 * builds on (per-host limits, robots.txt, Retry-After and backoff, conditional requests).
 */
export { fetchPage, FETCH_DEFAULTS } from './fetch-page.js';
export { DEFAULT_USER_AGENT, PALIMPSEST_VERSION } from './user-agent.js';
export { isPublicAddress, systemLookup } from './address-policy.js';
export { decodeBody, type DecodedBody } from './charset.js';
export { isHtmlContentType, parseContentType, type ParsedContentType } from './content-type.js';
export { createConnectionPool, type ConnectionPool, type ConnectionPoolOptions } from './connection-pool.js';
export { HostLimiter, type HostLimiterOptions } from './host-limiter.js';
export { MAX_ROBOTS_BYTES, RobotsCache, robotsRefusal, type RobotsCacheOptions, type RobotsVerdict } from './robots.js';
export { parseRetryAfter, backoffMs, DEFAULT_MAX_RETRY_AFTER_MS, MIN_RETRY_AFTER_MS } from './retry.js';
export { conditionalHeaders, validatorsOf, headerValue, type Validators } from './conditional.js';
export * from './types.js';
