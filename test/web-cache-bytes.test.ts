/**
 * The web caches count what their bodies hold: a body or compressed form kept by the cache owns its memory (a slice
 * of Node's shared Buffer pool would keep the whole pool alive), is counted at it, and a cache holding many small
 * feeds, sent raw, gzip and brotli through a real Express app, never holds more than its bound.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { describe, expect, it } from '@jest/globals';
import { ByteLru } from '../src/common/byte-lru.js';
import { bodyBytes, cachedBuild, compressOnce, heldBytes, ownedBuffer, sendBody, type CachedBody } from '../src/web/caches.js';

/** GETs `url` over real HTTP with `Accept-Encoding: enc`: the status, Content-Encoding and the body as sent. */
function get(url: string, enc: string): Promise<{ status: number; encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { 'accept-encoding': enc } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** A small XML body, different for each `i`, compressible and over the 1 KB below which bodies go out raw. */
function smallFeed(i: number): string {
  return `<?xml version="1.0"?><rss><channel><title>Feed ${i}</title>${Array.from({ length: 40 }, (_, k) => `<item><title>Story ${i}.${k}</title></item>`).join('')}</channel></rss>`;
}

describe('web cache byte accounting', () => {
  it('counts a slice of the Buffer pool at the whole pool, and keeps a copy that owns its memory', () => {
    const pooled = Buffer.from('a short body');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length); // Node cut it from its shared pool
    expect(heldBytes(pooled)).toBe(pooled.buffer.byteLength);
    const own = ownedBuffer(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect([own.buffer.byteLength, own.byteOffset, heldBytes(own)]).toEqual([own.length, 0, own.length]);
    expect(ownedBuffer(own)).toBe(own); // already its own: not copied again
  });

  it('keeps built bodies and their compressed forms in memory of their own, within the bound', async () => {
    const bound = 16 * 1024;
    const cache = new ByteLru<CachedBody>(bound);
    const building = new Map<string, Promise<CachedBody>>();
    const app = express();
    app.get('/feed/:i', async (req, res) => {
      const key = `feed|${req.params.i}`;
      const body = await cachedBuild(cache, building, key, async () => Buffer.from(smallFeed(Number(req.params.i))));
      res.type('application/rss+xml');
      await sendBody(req, res, cache, key, body);
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (let i = 0; i < 40; i++) {
        for (const enc of ['gzip', 'br', 'identity']) {
          const res = await get(`${base}/feed/${i}`, enc);
          expect([res.status, res.encoding]).toEqual([200, enc === 'identity' ? undefined : enc]);
          const text = enc === 'gzip' ? gunzipSync(res.body) : enc === 'br' ? brotliDecompressSync(res.body) : res.body;
          expect(text.toString()).toBe(smallFeed(i));
        }
        expect(cache.bytes).toBeLessThanOrEqual(bound);
      }
    } finally {
      await new Promise((r) => server.close(r));
    }
    let held = 0;
    let kept = 0;
    for (let i = 0; i < 40; i++) {
      const body = cache.get(`feed|${i}`);
      if (!body) continue;
      kept++;
      for (const b of [body.raw, body.gzip, body.br]) {
        expect(b).toBeDefined();
        expect(b!.buffer.byteLength).toBe(b!.length);
        held += b!.length;
      }
      expect(bodyBytes(body)).toBe(body.raw.length + body.gzip!.length + body.br!.length);
    }
    // Older feeds were dropped to stay within the bound; what is kept is counted at what it holds.
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(40);
    expect(held).toBe(cache.bytes);
    expect(held).toBeLessThanOrEqual(bound);
  });

  it('compresses a body once however many requests ask for it meanwhile', async () => {
    const body: CachedBody = { raw: Buffer.from(smallFeed(7).repeat(20)) };
    const asked = Array.from({ length: 50 }, () => compressOnce(body, 'br'));
    expect(new Set(asked).size).toBe(1); // one compression, shared
    const gz = compressOnce(body, 'gzip');
    expect(gz).not.toBe(asked[0]); // each encoding its own
    const [br, gzip] = await Promise.all([asked[0]!, gz]);
    expect(brotliDecompressSync(br).equals(body.raw)).toBe(true);
    expect(gunzipSync(gzip).equals(body.raw)).toBe(true);
    expect(br.buffer.byteLength).toBe(br.length);
    // Once made, a later call compresses anew (sendBody keeps the first result and does not ask again).
    expect(compressOnce(body, 'br')).not.toBe(asked[0]);
  });
});
