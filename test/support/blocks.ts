// Reading Block Kit as a person would, for tests (no Bolt, no server).

/** Text of every section, header, context and field of some blocks, for assertions on what a user reads. */
export function textOf(blocks: unknown): string {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      if (typeof o.text === 'string') out.push(o.text);
      for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
    }
  };
  walk(blocks);
  return out.join('\n');
}
