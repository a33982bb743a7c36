import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';

describe('the tests’ network', () => {
  it('refuses a request to anywhere but the loopback, at once', async () => {
    const t0 = Date.now();
    await expect(fetch('https://slack.com/api/auth.test')).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('lets a request to the loopback through', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      expect(await res.text()).toBe('ok');
    } finally {
      server.close();
    }
  });
});
