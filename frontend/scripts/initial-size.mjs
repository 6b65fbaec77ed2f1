// Prints the gzipped size of the JavaScript and CSS the browser loads before any route chunk:
// the entry module, the chunks index.html preloads and the stylesheet. Budget: 250 KB of JS.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = 'dist';
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(spa\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let js = 0;
for (const file of files) {
  const size = gzipSync(readFileSync(join(dist, file))).length;
  if (file.endsWith('.js')) js += size;
  console.log(`${file.padEnd(40)} ${(size / 1024).toFixed(1).padStart(7)} KB gzipped`);
}
console.log(`initial JavaScript: ${(js / 1024).toFixed(1)} KB gzipped (budget 250 KB)`);
if (js > 250 * 1024) process.exit(1);
