import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_DIR } from './app-paths.ts';

/** The product version, from package.json. */
export const VERSION: string = (JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { version: string })
  .version;
