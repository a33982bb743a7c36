// `npm start`: bundles src/main.ts with esbuild (about 0.2 s; loading one file is much faster than
// compiling every module at start as tsx does) and runs it in this process.
import { build } from 'esbuild';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/main.js`;
await build({
  entryPoints: [`${root}src/main.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  outfile,
  logLevel: 'warning',
});
process.setSourceMapsEnabled(true);
const { runServer } = await import(pathToFileURL(outfile).href);
await runServer();
