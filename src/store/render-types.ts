/** Types of what a browser rendering leaves in the store: the rendered page of a version and its screenshot. */

/** What a rendered page asked for and what was refused (kept as JSON with the rendered page). */
export interface RenderRequestLog {
  /** Requests of the page that were fetched (main document excluded). */
  fetched: number;
  /** Bytes those requests brought in. */
  bytes: number;
  /** Requests refused by the address policy, the scheme check, the block list or the byte budget, with why. */
  blocked: Array<{ url: string; reason: string }>;
  /** Requests that were allowed but failed (timeouts, HTTP errors of the fetch itself), with why. */
  failed: Array<{ url: string; reason: string }>;
}

/** The rendered DOM of a version (the HTML its text was extracted from), to keep beside its raw response. */
export interface NewRenderedPage {
  versionId: number;
  /** The serialised DOM after the page's scripts ran (UTF-8). */
  html: string;
  /** Which browser rendered it, e.g. "Chromium 150.0.7871.100". */
  renderer: string;
  /** ISO time the page was rendered. */
  renderedAt: string;
  requests: RenderRequestLog;
}

/** A stored rendered page, HTML decompressed. */
export interface StoredRenderedPage extends NewRenderedPage {
  htmlLength: number;
  htmlSha256: string;
}

/** A full-page screenshot of a version. */
export interface NewScreenshot {
  versionId: number;
  /** image/jpeg or image/png. */
  mime: string;
  bytes: Buffer;
  /** Pixels. */
  width: number;
  height: number;
  /** ISO time it was taken. */
  capturedAt: string;
}

/** What the version page and the API need to know about a screenshot without loading its bytes. */
export interface ScreenshotInfo {
  versionId: number;
  mime: string;
  width: number;
  height: number;
  capturedAt: string;
  /** Size of the image in bytes. */
  length: number;
}
