// `npm start`: bundles src/main.ts with esbuild (about 0.2 s; loading one file is much faster than
// compiling every module at start as tsx does) and runs it in this process.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/main.js`;
const result = await build({
  entryPoints: [`${root}src/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  outfile,
  write: false,
  logLevel: 'warning',
});
// Written aside and renamed into place, so that two servers starting at once never read a half-written file.
mkdirSync(`${root}dist`, { recursive: true });
for (const file of result.outputFiles) {
  const aside = `${file.path}.${process.pid}.tmp`;
  writeFileSync(aside, file.contents);
  renameSync(aside, file.path);
}
process.setSourceMapsEnabled(true);
const { runServer } = await import(pathToFileURL(outfile).href);
await runServer();
