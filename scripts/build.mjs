// Bundles the Lambda and the operator CLI into dist/ with esbuild: one file each, minified,
// reproducible (no timestamps, sorted inputs, pinned versions via package-lock.json).
//   node scripts/build.mjs          write dist/
//   node scripts/build.mjs --check  rebuild in memory and fail when dist/ differs (stale bundle)
//   node scripts/build.mjs --meta   also write dist/*.meta.json (inputs and their bytes; not committed)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/**
 * The SDK's generated schemas (one module per client, ~1.3 MB for EC2) key their traits with
 * computed keys (`{ [_xN]: ... }` after `const _xN = "xmlName"`). esbuild cannot prove a computed
 * key free of side effects, so it keeps every schema of every command. Spelling the key as the
 * string literal it is makes each schema a pure literal: only the commands we send stay (EC2's
 * schemas: 554 KB -> 13 KB of bundle). Same values, so same wire behaviour; the build fails if a
 * key cannot be resolved (an SDK update changed the shape of these files: look again).
 */
const sdkSchemaLiteralKeys = {
  name: 'sdk-schema-literal-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/].+[\\/]dist-es[\\/](.+[\\/])?schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const strings = new Map();
      for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
      const unresolved = new Set();
      const contents = source.replace(/\[(_\w+)\]:/g, (key, name) => {
        if (strings.has(name)) return `${strings.get(name)}:`;
        unresolved.add(name);
        return key;
      });
      if (unresolved.size) throw new Error(`${args.path}: computed keys ${[...unresolved].join(', ')} are not string constants`);
      return { contents, loader: 'js' };
    });
  },
};
const check = process.argv.includes('--check');
const meta = process.argv.includes('--meta');

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
  // On platform node esbuild prefers `main`, which for the AWS SDK is a CommonJS build it cannot
  // tree-shake (all of client-ec2's ~700 commands stay in); `module` is the ES build.
  mainFields: ['module', 'main'],
  metafile: true,
  plugins: [sdkSchemaLiteralKeys],
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
    if (meta) fs.writeFileSync(dest.replace(/\.mjs$/, '.meta.json'), JSON.stringify(result.metafile));
  }
}
if (check) {
  if (stale.length) {
    console.error(`bundle-staleness check: FAILED — ${stale.join(', ')} differ from lambda-src. Run 'make build' and commit dist/.`);
    process.exit(1);
  }
  console.log(`bundle-staleness check: ok (${targets.map((t) => t.out).join(', ')} match lambda-src)`);
}
