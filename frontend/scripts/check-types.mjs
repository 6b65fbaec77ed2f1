// Fails when src/types/api.ts is not what openapi-typescript makes from openapi.yml (stale types).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'cloudtally-types-'));
const fresh = join(dir, 'api.ts');
try {
  execFileSync('npx', ['openapi-typescript', 'openapi.yml', '--enum-values', '-o', fresh], { stdio: 'pipe' });
  if (readFileSync(fresh, 'utf8') !== readFileSync('src/types/api.ts', 'utf8')) {
    console.error('src/types/api.ts is stale: run `npm run gen:types` and commit the result.');
    process.exit(1);
  }
  console.log('src/types/api.ts matches openapi.yml');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
