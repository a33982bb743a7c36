import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// Each test starts real processes (tsx compiles the app on the way, and a password hash takes 128 MiB of
// scrypt): on a busy two-core machine that is seconds per process, so these tests get more time.
vi.setConfig({ testTimeout: 90_000 });

const dir = mkdtempSync(join(tmpdir(), 'seaboard-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsx = 'node_modules/.bin/tsx';

function crm(args: string[], databaseUrl: string) {
  return spawnSync(tsx, ['src/cli/crm.ts', ...args], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' });
}

describe('npm start', () => {
  it('creates and migrates the database, serves /healthz, and stops cleanly', async () => {
    const url = `file:${join(dir, 'fresh', 'seaboard.db')}`;
    // Production mode without Slack: the sandbox's own start (demo loaded) is test/browser/sandbox.test.ts.
    const child = spawn(tsx, ['src/main.ts'], { env: { ...process.env, DATABASE_URL: url, PORT: '0', SANDBOX: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const base = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      setTimeout(() => reject(new Error(`no start line: ${out}`)), 45_000);
    });
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', version: '0.1.0', database: { provider: 'sqlite', status: 'ok' }, jobs: { enabled: true, lastTickAt: null } });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a bad DATABASE_URL with a message naming it', () => {
    const r = spawnSync(tsx, ['src/main.ts'], { env: { ...process.env, DATABASE_URL: 'mysql://nope' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL: must start with file: (SQLite) or postgresql://');
  });
});

describe('npm run crm -- import', () => {
  const url = `file:${join(dir, 'cli', 'seaboard.db')}`;

  it('reports every problem of a bad file with its path, exits 1 and writes nothing', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, [
      'units: [{ key: hz, name: Hangzhou }]',
      'people:',
      '  - { slackId: U0A, name: A, role: rep, unit: hz }',
      '  - { slackId: U0B, name: B, role: rep, unit: hz }',
      '  - { slackId: U0C, name: C, role: rep, unit: hz }',
      '  - { slackId: U0D, name: D, role: rep, unit: hz-wst }',
      'regions: [{ key: r, name: R, unit: hz, polygon: [[0,0],[1,1],[1,0],[0,1]] }]',
    ].join('\n'));
    const r = crm(['import', bad], url);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('The file has 2 problems; nothing was written.');
    expect(r.stderr).toContain('people[3].unit: no unit "hz-wst"');
    expect(r.stderr).toContain('regions[0].polygon: crosses itself');
    const again = crm(['import', 'examples/org.yaml', '--dry-run'], url);
    expect(again.stdout).toContain('units    6 created, 0 updated');
  });

  it('applies examples/org.yaml, and re-applying it creates nothing', () => {
    const first = crm(['import', 'examples/org.yaml'], url);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('people   10 created, 0 updated');
    const second = crm(['import', 'examples/org.yaml'], url);
    expect(second.stdout).toContain('stores   0 created, 7 updated');
  });

  it('creates the first console admin with a one-time password, once', () => {
    const first = crm(['admin', 'create', 'Boss@Example.com', '--name', 'Boss'], url);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Console account boss@example.com created.');
    expect(first.stdout).toMatch(/One-time password: [A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}/);
    const again = crm(['admin', 'create', 'boss@example.com'], url);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('There is already a console account for boss@example.com.');
    const reset = crm(['admin', 'reset', 'boss@example.com'], url);
    expect(reset.stdout).toContain('Console account boss@example.com reset.');
    expect(reset.stdout.match(/One-time password: (\S+)/)?.[1]).not.toBe(first.stdout.match(/One-time password: (\S+)/)?.[1]);
  });

  it('explains a missing file and an unknown command', () => {
    expect(crm(['import', join(dir, 'nope.yaml')], url).stderr).toContain('cannot read it');
    const r = crm(['frobnicate'], url);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});
