import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../../src/db/client.ts';
import { writeSettings } from '../../../../src/domain/settings/settings.ts';
import { contentSecurityPolicy, tileSource } from '../../../../src/web/console/kit.ts';
import { consoleWorld, type ConsoleClient, type ConsoleWorld } from '../../../support/console.ts';

let cw: ConsoleWorld;
let admin: ConsoleClient;
beforeAll(async () => {
  cw = await consoleWorld();
  admin = await cw.as('admin');
});
afterAll(async () => cw?.stop());

const policy = (r: { headers: Headers }) => r.headers.get('content-security-policy') ?? '';
const directive = (csp: string, name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';

describe('Content-Security-Policy of the console', () => {
  it('is sent with every page, signed in or not: own scripts and styles only, no framing, forms to itself', async () => {
    const pages = [await cw.client().get('/console/sign-in'), await admin.get('/console'), await admin.get('/console/people'), await admin.get('/console/no-such-page'), await admin.get('/console/stores.csv')];
    for (const page of pages) {
      const csp = policy(page);
      expect(csp).toBe(contentSecurityPolicy());
      expect(directive(csp, 'script-src')).toBe("script-src 'self'");
      expect(directive(csp, 'style-src')).toBe("style-src 'self'");
      expect(directive(csp, 'img-src')).toBe("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe');
    }
  });

  it('needs nothing inline: no inline script or style, no javascript: link on any page', async () => {
    const texts = [(await admin.get('/console')).text, (await admin.get('/console/people/99999')).text, (await admin.get('/console/regions')).text, (await admin.get('/console/stores')).text];
    for (const t of texts) {
      expect(t).not.toMatch(/<script(?![^>]*\b(src|type="application\/json")=?)[^>]*>/);
      expect(t).not.toMatch(/\sstyle=|<style|\son[a-z]+=|javascript:/i);
    }
  });

  it('lets the region map load tiles from the host the settings name, and nothing else', async () => {
    expect(directive(policy(await admin.get('/console/regions')), 'img-src')).toBe("img-src 'self' data:");
    await inTransaction(cw.w.db, (tx) => writeSettings(tx, { tileUrl: 'https://{s}.tile.example.org/{z}/{x}/{y}.png' }));
    try {
      const map = await admin.get('/console/regions');
      expect(directive(policy(map), 'img-src')).toBe("img-src 'self' data: https://*.tile.example.org");
      expect(directive(policy(await admin.get('/console/people')), 'img-src')).toBe("img-src 'self' data:");
    } finally {
      await inTransaction(cw.w.db, (tx) => writeSettings(tx, { tileUrl: '' }));
    }
  });

  it('reduces a tile URL to its origin, or its scheme when the host is not a plain name', () => {
    expect(tileSource('https://tiles.example.com:8443/{z}/{x}/{y}.png?key=1')).toBe('https://tiles.example.com:8443');
    expect(tileSource('http://{s}.tile.osm.org/{z}/{x}/{y}.png')).toBe('http://*.tile.osm.org');
    expect(tileSource('https://a;script-src*/{z}/{x}/{y}')).toBe('https:');
    expect(tileSource('https://tiles-{z}.example.com/{x}/{y}')).toBe('https:');
    expect(tileSource('')).toBeNull();
  });
});
