// ESLint 9 flat config: typescript-eslint's type-checked rules, import order, and Prettier owning layout.
// Why each rule below is tuned is in docs/decisions.md ("Lint and format").
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.tmp/**', 'profiles/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      // `_name` marks a parameter kept for its position (callbacks, Express handlers).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Numbers and booleans in messages are intended; objects in a template are still an error.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true },
      ],
      // Express 5 accepts async handlers and routes their rejections; a promise passed where
      // a void callback is expected is the idiom there, not a lost error.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // Store methods are async to honour their Promise-returning interface (a throw becomes a
      // rejection); the in-memory store and test doubles have nothing to await.
      '@typescript-eslint/require-await': 'off',
      // `import type` is the house style; keep it enforced so type-only imports stay erasable.
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests and tools read parsed JSON (Bundles, OperationOutcomes) whose shape each assertion
    // checks; the unsafe-* family there reports every `body.entry[0]` and says nothing new.
    files: ['test/**', 'bench/**', 'jest.config.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // expect(obj.method).toHaveBeenCalled() is Jest's idiom.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
