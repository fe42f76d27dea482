import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { lowerThreadPriority } from '../src/common/thread-priority.js';
import { loadConfig, maskDbTarget } from '../src/config/index.js';
import { tmpDir } from './helpers/tmp.js';

describe('config', () => {
  it('has defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.db).toBe('./data/palimpsest.db');
    expect(c.port).toBe(8080);
    expect(c.allowPrivate).toBe(false);
    expect(c.scheduler.afterChangeS).toBe(1800);
    expect(c.scheduler.growth).toBe(1.2);
    expect(c.scheduler.maxIntervalS).toBe(40 * 86400);
    expect([c.scheduler.backgroundNice, c.fetch.keepAlive]).toEqual([10, true]);
  });

  it('layers file < env < flags', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'c.yaml');
    fs.writeFileSync(file, 'port: 9000\ndb: /tmp/a.db\nscheduler:\n  growth: 1.5\n');
    const c = loadConfig({ file, env: { PALIMPSEST_DB: '/tmp/b.db', PALIMPSEST_ALLOW_PRIVATE: '1' }, flags: { port: 9100 } });
    expect([c.port, c.db, c.allowPrivate, c.scheduler.growth, c.scheduler.afterChangeS]).toEqual([9100, '/tmp/b.db', true, 1.5, 1800]);
    fs.rmSync(dir, { recursive: true });
  });

  it('fails with a message naming the bad setting', () => {
    expect(() => loadConfig({ env: { PALIMPSEST_PORT: 'eighty' } })).toThrow(/PALIMPSEST_PORT=eighty is not a number/);
    expect(() => loadConfig({ env: {}, flags: { port: 70000 } })).toThrow(/port:/);
    expect(() => loadConfig({ env: { PALIMPSEST_ADMIN_TOKEN: 'short' } })).toThrow(/adminToken: the admin token must be at least 8 characters/);
    expect(() => loadConfig({ env: {}, flags: { scheduler: { growth: 0.5 } } })).toThrow(/scheduler\.growth/);
    expect(() => loadConfig({ env: {}, flags: { scheduler: { backgroundNice: 25 } } })).toThrow(/scheduler\.backgroundNice/);
    expect(() => loadConfig({ env: {}, flags: { fetch: { keepAlive: 'yes' } } })).toThrow(/fetch\.keepAlive/);
    expect(() => loadConfig({ file: '/nonexistent/palimpsest.yaml', env: {} })).toThrow(/cannot read config file/);
  });

  it('takes a file path or a PostgreSQL URL as db, and says how to fix anything else without printing a password', () => {
    for (const db of ['postgres://pal:pw@db.example:5432/palimpsest', 'postgresql://pal@db.example/palimpsest', 'POSTGRES:///palimpsest?host=/run/postgresql', 'data/x.db', ':memory:']) {
      expect(loadConfig({ env: { PALIMPSEST_DB: db } }).db).toBe(db);
    }
    expect(() => loadConfig({ env: {}, flags: { db: '' } })).toThrow(/db: give a SQLite file path \(e\.g\. \.\/data\/palimpsest\.db\) or a PostgreSQL URL/);
    let message = '';
    try {
      loadConfig({ env: { PALIMPSEST_DB: 'mysql://pal:hunter22@db.example/palimpsest' } });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('db: mysql://pal:***@db.example/palimpsest: mysql:// databases are not supported; give a SQLite file path');
    expect(message).not.toContain('hunter22');
    expect(() => loadConfig({ env: { PALIMPSEST_DB: 'postgres://pal:hunter22@db.example:port/x' } }))
      .toThrow(/db: postgres:\/\/\*\*\*@db\.example:port\/x is not a valid PostgreSQL URL; write it as postgres:\/\/user:password@host:5432\/database/);
  });

  it('masks the password of a database URL', () => {
    expect(maskDbTarget('postgres://pal:secret@db.example:5432/palimpsest')).toBe('postgres://pal:***@db.example:5432/palimpsest');
    expect(maskDbTarget('postgres://pal@db.example/palimpsest')).toBe('postgres://pal@db.example/palimpsest');
    expect(maskDbTarget('./data/palimpsest.db')).toBe('./data/palimpsest.db');
    expect(maskDbTarget('postgres://pal:se/cr#et@db.example/palimpsest')).toBe('postgres://***@db.example/palimpsest');
  });
});

describe('background thread priority', () => {
  // Applying it (Linux) is tested on real threads through dist/ in scheduler-thread.test.ts; here, where it is not.
  it('is left alone when disabled or where the nice value is not per thread, and says why', () => {
    expect(lowerThreadPriority(0)).toEqual({ applied: false, reason: expect.stringMatching(/backgroundNice is 0/) });
    expect(lowerThreadPriority(10, 'darwin')).toEqual({ applied: false, reason: 'per-thread priority is not available on darwin' });
    expect(lowerThreadPriority(10, 'win32')).toMatchObject({ applied: false });
  });
});
