// Bundles the Lambda and the operator CLI into dist/ with esbuild: one file each, minified,
// reproducible (no timestamps, sorted inputs, pinned versions via package-lock.json).
//   node scripts/build.mjs          write dist/
//   node scripts/build.mjs --check  rebuild in memory and fail when dist/ differs (stale bundle)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const check = process.argv.includes('--check');

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  absWorkingDir: root,
  logLevel: 'warning',
  // Some SDK dependencies still call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __sgCreateRequire } from 'node:module'; const require = __sgCreateRequire(import.meta.url);" },
};

const targets = [
  { entry: 'lambda-src/handler.ts', out: 'dist/handler.mjs' },
  { entry: 'lambda-src/cli.ts', out: 'dist/cli.mjs', shebang: true },
];

let stale = [];
for (const t of targets) {
  const result = await esbuild.build({
    ...common,
    entryPoints: [t.entry],
    outfile: t.out,
    banner: { js: (t.shebang ? '#!/usr/bin/env node\n' : '') + common.banner.js },
  });
  const bytes = result.outputFiles[0].contents;
  const dest = path.join(root, t.out);
  if (check) {
    const current = fs.existsSync(dest) ? fs.readFileSync(dest) : Buffer.alloc(0);
    if (!current.equals(Buffer.from(bytes))) stale.push(t.out);
  } else {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, bytes, { mode: t.shebang ? 0o755 : 0o644 });
    console.log(`built ${t.out} (${(bytes.length / 1024).toFixed(0)} KiB)`);
  }
}
if (check) {
  if (stale.length) {
    console.error(`bundle-staleness check: FAILED — ${stale.join(', ')} differ from lambda-src. Run 'make build' and commit dist/.`);
    process.exit(1);
  }
  console.log(`bundle-staleness check: ok (${targets.map((t) => t.out).join(', ')} match lambda-src)`);
}
