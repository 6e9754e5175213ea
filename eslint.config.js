// Flat config: typescript-eslint's type-aware recommended rules over the Lambda and the tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '**/.terraform/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', AbortSignal: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // `import { z }` bundles all of zod (the `z` object reaches every export, locales included);
    // `import * as z` lets esbuild drop what is unused.
    files: ['lambda-src/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', { selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']", message: "Use `import * as z from 'zod'`: `{ z }` defeats tree shaking." }],
    },
  },
  {
    // The core never imports the SDK: only the adapters in lambda-src/aws/ may.
    files: ['lambda-src/**/*.ts'],
    ignores: ['lambda-src/aws/**', 'lambda-src/handler.ts', 'lambda-src/runtime/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@aws-sdk/*'], message: 'Only lambda-src/aws/ adapters may import the AWS SDK.' }] }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'test/support/**/*.mjs', 'eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
