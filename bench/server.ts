import { spawn } from 'node:child_process';
import { repoRoot } from './dataset.ts';

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The server in its own process, started as `npm start` starts it (scripts/start.mjs: the esbuild
 * bundle, the same heap limit), as it runs in production: what a client measures is then the
 * server's answer, not the bench's own event loop (with server and client in one process, a listener's
 * synchronous work after its ack would delay the client reading that ack).
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--max-old-space-size=512', 'scripts/start.mjs'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 5_000))]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const m = /on (http:\/\/[^\s)]+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (${code}) before it listened:\n${output}`));
      });
    });
    return { url, pid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
