import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import type { SoftwareInfo } from './operations/structured-record/capability-statement';

/** The nearest package.json above this module, in a checkout (src/) or a build (dist/src/). */
function packageJsonPath(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('package.json not found above ' + __dirname);
  }
}

/** Name, version and release date of this build, read from package.json (one source of truth). */
export function softwareInfo(): SoftwareInfo {
  const pkg = JSON.parse(readFileSync(packageJsonPath(), 'utf8')) as {
    name: string;
    version: string;
    releaseDate: string;
    author: string;
  };
  return { name: pkg.name, version: pkg.version, releaseDate: pkg.releaseDate, publisher: pkg.author };
}
