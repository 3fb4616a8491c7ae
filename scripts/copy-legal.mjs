// Run as each published package's prepack: npm takes LICENSE and NOTICE only from the package's
// own folder, and one copy of each at the root is the one we maintain.
import { copyFileSync } from 'node:fs';

for (const name of ['LICENSE', 'NOTICE']) {
  copyFileSync(new URL(`../${name}`, import.meta.url), name);
}
