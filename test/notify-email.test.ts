/**
 * Email notifications over SMTP on loopback: a real SMTP server (smtp-server) receives the message and mailparser
 * parses it (plain-text and HTML parts both carry the diff, article text escaped in the HTML); a server that
 * refuses (550) or is not there is retried and every attempt is logged.
 */
import net from 'node:net';
import { describe, expect, test } from '@jest/globals';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { loadConfig, validateConfig, type Config } from '../src/config/index.js';
import { NotifyRunner } from '../src/notify/runner.js';
import { createSubscription } from '../src/notify/subscriptions.js';
import { addVersion, notifyFixture } from './helpers/notify-receiver.js';
import { tmpStore } from './helpers/tmp.js';

interface Smtp {
  port: number;
  mails: ParsedMail[];
  rcptAttempts: number;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1; refuses the first `refusals` recipients with 550. */
async function startSmtp(refusals = 0): Promise<Smtp> {
  const state = { mails: [] as ParsedMail[], rcptAttempts: 0 };
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      state.rcptAttempts++;
      if (state.rcptAttempts <= refusals) {
        const err = new Error('mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        cb(err);
        return;
      }
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream).then((m) => {
        state.mails.push(m);
        cb();
      }, cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    port,
    get mails() { return state.mails; },
    get rcptAttempts() { return state.rcptAttempts; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let smtp: Smtp | null = null;
const fx = notifyFixture(tmpStore, async () => {
  await smtp?.close();
  smtp = null;
});
const now = (): Date => fx.now();

function config(port: number, timeoutMs = 2000): Config {
  return validateConfig({
    logLevel: 'silent', baseUrl: 'https://palimpsest.test',
    notify: { retryBaseS: 60, maxAttempts: 4, smtp: { host: '127.0.0.1', port, from: 'Palimpsest <alerts@palimpsest.test>', timeoutMs } },
  });
}

async function setUp(c: Config): Promise<{ runner: NotifyRunner; articleId: number; subId: number }> {
  const store = fx.store();
  const { article } = await store.insertArticle('https://news.example/budget', now().toISOString());
  await addVersion(store, article.id, 'Budget passes', 'The budget passed by 12 votes.\n\nThe opposition walked out.', now().toISOString());
  const sub = await createSubscription(store, c, { channel: 'email', email: 'reader@example.org' }, now());
  const runner = new NotifyRunner({ store, config: c, owner: 't', log: pino({ level: 'silent' }), now });
  await runner.runOnce();
  return { runner, articleId: article.id, subId: sub.id };
}

describe('email notifications', () => {
  test('SMTP settings: defaults, the password from the environment, and validation', () => {
    const d = validateConfig({}).notify.smtp;
    expect(d).toMatchObject({ port: 587, secure: false, requireTls: false, from: 'Palimpsest <palimpsest@localhost>' });
    expect(d.host).toBeUndefined();
    expect(loadConfig({ env: { PALIMPSEST_SMTP_PASS: 'pw-from-env' } }).notify.smtp.pass).toBe('pw-from-env');
    expect(() => validateConfig({ notify: { smtp: { host: 'mail.example', user: 'me' } } })).toThrow(/notify\.smtp\.pass: smtp\.user needs smtp\.pass/);
    expect(() => validateConfig({ notify: { smtp: { port: 70000 } } })).toThrow(/notify\.smtp\.port/);
  });

  test('the message has a plain-text and an HTML part, both with the diff; article text is escaped in the HTML', async () => {
    smtp = await startSmtp();
    const c = config(smtp.port);
    const { runner, articleId, subId } = await setUp(c);
    const store = fx.store();
    await addVersion(store, articleId, 'Budget passes <img src=x onerror=alert(1)>',
      'The budget passed by 3 votes.\n\nThe opposition walked out.', now().toISOString());
    const pass = await runner.runOnce();
    expect(pass.send.delivered).toBe(1);
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m.from?.text).toContain('alerts@palimpsest.test');
    expect((Array.isArray(m.to) ? m.to[0] : m.to)?.text).toBe('reader@example.org');
    expect(m.subject).toContain('Version 2');
    expect(m.text).toContain('[-12-]{+3+}');
    expect(m.text).toContain('https://news.example/budget');
    const html = String(m.html);
    expect(html).toMatch(/<del[^>]*>12<\/del>/);
    expect(html).toMatch(/<ins[^>]*>3<\/ins>/);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
    expect(html).toContain(`https://palimpsest.test/articles/${articleId}`);
    const [d] = await store.listDeliveries({ subscriptionId: subId, limit: 5 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await store.listDeliveryAttempts([d!.id]))[0]).toMatchObject({ ok: true, httpStatus: 250 });
  });

  test('a server that refuses (550) is retried, each refusal logged with its code, until it accepts', async () => {
    smtp = await startSmtp(2);
    const c = config(smtp.port);
    const { runner, articleId, subId } = await setUp(c);
    const store = fx.store();
    await addVersion(store, articleId, 'Budget passes', 'The budget passed by 3 votes.\n\nThe opposition walked out.', now().toISOString());
    await runner.runOnce();
    for (let i = 0; i < 3; i++) {
      fx.advance(3_600_000);
      await runner.runOnce();
    }
    expect(smtp.mails).toHaveLength(1);
    const [d] = await store.listDeliveries({ subscriptionId: subId, limit: 5 });
    expect(d).toMatchObject({ status: 'delivered', attempts: 3 });
    const log = await store.listDeliveryAttempts([d!.id]);
    expect(log.map((a) => [a.ok, a.httpStatus])).toEqual([[false, 550], [false, 550], [true, 250]]);
    expect(log[0]!.error).toMatch(/mailbox unavailable/);
  });

  test('no server listening: the attempt fails (connection refused), is logged, and is retried later', async () => {
    // A port that was free a moment ago: nothing listens on it.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    // A short timeout: nodemailer leaves a timer of this length behind after a refused connection.
    const c = config(port, 200);
    const { runner, articleId, subId } = await setUp(c);
    const store = fx.store();
    await addVersion(store, articleId, 'Budget passes', 'The budget passed by 3 votes.\n\nThe opposition walked out.', now().toISOString());
    await runner.runOnce();
    const [d] = await store.listDeliveries({ subscriptionId: subId, limit: 5 });
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    expect(d!.lastError).toMatch(/ECONNREFUSED/);
  });
});
