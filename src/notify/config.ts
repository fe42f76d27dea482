/** The `notify` section of the configuration: delivery, retries, SMTP and Save Page Now (zod, defaults included). */
import { z } from 'zod';

const smtpSchema = z.object({
  /** SMTP server; email subscriptions are refused at creation and their deliveries fail while it is unset. */
  host: z.string().min(1).optional(),
  /** 587 (submission with STARTTLS) by default; 465 with `secure: true`. */
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); false upgrades with STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the connection is upgraded with STARTTLS (recommended on port 587 over a network). */
  requireTls: z.boolean().default(false),
  /** Login; without it, no authentication. */
  user: z.string().min(1).optional(),
  pass: z.string().optional(),
  /** The From address of notification emails. */
  from: z.string().min(3).default('Palimpsest <palimpsest@localhost>'),
  /** Milliseconds for connecting and for each SMTP command. */
  timeoutMs: z.number().int().min(100).max(300_000).default(20_000),
}).refine((s) => s.user === undefined || s.pass !== undefined, { message: 'smtp.user needs smtp.pass', path: ['pass'] });

const savePageNowSchema = z.object({
  /** Ask the Internet Archive to archive each new version's URL (off by default). */
  enabled: z.boolean().default(false),
  /** The Save Page Now endpoint; the article URL is appended to it. */
  endpoint: z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL').default('https://web.archive.org/save/'),
  /** S3-style keys of an archive.org account (Authorization: LOW key:secret), optional. */
  accessKey: z.string().min(1).optional(),
  secretKey: z.string().min(1).optional(),
});

/** The validated shape of the `notify` section. */
export const notifySchema = z.object({
  /** Run the dispatcher and the sender in every scheduler round (serve's tick, workers). */
  enabled: z.boolean().default(true),
  /** Attempts per delivery before it is marked failed (kept in the log). */
  maxAttempts: z.number().int().min(1).max(50).default(8),
  /** The first retry waits this long (s), doubling each time up to retryMaxS; a Retry-After answer is honoured. */
  retryBaseS: z.number().min(0.01).default(30),
  retryMaxS: z.number().min(0.01).default(6 * 3600),
  /** Milliseconds for a whole webhook or Save Page Now request (connect, send, answer). */
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  /** Deliveries sent at once by one process. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** Events read per stream in one dispatch pass. */
  batch: z.number().int().min(1).max(1000).default(50),
  /** How long a claimed delivery stays leased to the process sending it. */
  leaseS: z.number().int().min(5).max(3600).default(120),
  smtp: smtpSchema.default(smtpSchema.parse({})),
  savePageNow: savePageNowSchema.default(savePageNowSchema.parse({})),
});

/** The `notify` configuration. */
export type NotifyConfig = z.infer<typeof notifySchema>;

/** The defaults of the `notify` section. */
export const NOTIFY_DEFAULTS: NotifyConfig = notifySchema.parse({});
