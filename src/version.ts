import { readFileSync } from 'node:fs';
import { fromRoot } from './paths.ts';

export const version: string = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8')).version;
