// Remove the previous build from static/, keeping the committed web models.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('../static/', import.meta.url).pathname;
for (const entry of readdirSync(dir)) {
  if (entry !== 'models') rmSync(join(dir, entry), { recursive: true, force: true });
}
