/**
 * Email notifications over SMTP (nodemailer): a plain-text part (the diff with git's word-diff markers) and an
 * HTML part rendered by the nunjucks template notify-email.njk (auto-escaping; the diff is the differ's escaped
 * feed rendering).
 */
import nodemailer from 'nodemailer';
import type { NotifyConfig } from './config.js';
import type { NotifyMessage } from './message.js';
import { createRenderer, type Renderer } from '../web/render.js';

/** The outcome of sending one email. */
export interface EmailResult {
  ok: boolean;
  /** The server's reply code (250 on success; 4xx/5xx on refusal), when it gave one. */
  code: number | null;
  error: string | null;
}

let renderer: Renderer | null = null;

// Control characters (bar tab and newline) would let untrusted text play with a terminal or mail client.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** The plain-text part of a notification. Pure. */
export function emailText(m: NotifyMessage): string {
  const b = m.body;
  const lines = [m.summary.replace(CONTROL, ''), ''];
  const article = b.article as Record<string, unknown> | undefined;
  if (article) lines.push(`Article: ${String(article.url)}`);
  if (article?.page) lines.push(`History: ${String(article.page)}`);
  const stats = b.stats as Record<string, unknown> | undefined;
  if (stats) lines.push(`Words: +${String(stats.words_added)} −${String(stats.words_removed)} (${String(stats.change_kind)})`);
  if (m.diffText) lines.push('', m.diffText.replace(CONTROL, ''));
  if (typeof b.reason === 'string') lines.push(b.reason.replace(CONTROL, ''));
  lines.push('', `Palimpsest subscription ${String(b.subscription)}, delivery ${String(b.delivery)}.`);
  return `${lines.join('\n')}\n`;
}

/** The HTML part of a notification (through the template, auto-escaped). */
export function emailHtml(m: NotifyMessage): string {
  renderer ??= createRenderer(() => new Date());
  const b = m.body;
  const source = b.source as Record<string, unknown> | undefined;
  const article = b.article as Record<string, unknown> | undefined;
  return renderer('notify-email.njk', {
    ...b, summary: m.summary, diffHtml: m.diffHtml ?? '', source: article?.source ?? null, sourceSlug: source?.slug ?? null,
  });
}

/** Sends a notification email; never throws (a failure is an EmailResult). */
export async function sendEmail(smtp: NotifyConfig['smtp'], to: string, m: NotifyMessage): Promise<EmailResult> {
  if (!smtp.host) return { ok: false, code: null, error: 'no SMTP server configured (notify.smtp.host)' };
  const transport = nodemailer.createTransport({
    host: smtp.host, port: smtp.port, secure: smtp.secure, requireTLS: smtp.requireTls,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    connectionTimeout: smtp.timeoutMs, greetingTimeout: smtp.timeoutMs, socketTimeout: smtp.timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from, to, subject: m.summary.replace(/[\r\n]+/g, ' ').slice(0, 200),
      text: emailText(m), html: emailHtml(m),
      headers: { 'X-Palimpsest-Delivery': String(m.body.delivery) },
    });
    const code = /^(\d{3})/.exec(String(info.response ?? ''));
    return { ok: true, code: code ? Number(code[1]) : 250, error: null };
  } catch (err) {
    const e = err as Error & { responseCode?: number };
    return { ok: false, code: typeof e.responseCode === 'number' ? e.responseCode : null, error: e.message };
  } finally {
    transport.close();
  }
}
