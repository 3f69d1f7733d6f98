// @ts-check
import js from '@eslint/js';
import jsdoc from 'eslint-plugin-jsdoc';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ is AssemblyScript (its own types: i32, usize, load<T>), compiled by scripts/build-wasm.mjs
  { ignores: ['dist/', 'coverage/', 'docs/api/', 'node_modules/', 'assembly/'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // The public source: every export documented, with its parameters, returns and throws.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    ...jsdoc.configs['flat/recommended-typescript-error'],
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'jsdoc/require-jsdoc': [
        'error',
        { publicOnly: true, require: { ClassDeclaration: true, MethodDefinition: true } },
      ],
      'jsdoc/tag-lines': 'off',
      // TypeScript carries the types; @throws names the error class with {@link}.
      'jsdoc/require-throws-type': 'off',
      'jsdoc/require-returns': ['error', { checkGetters: false }],
      'jsdoc/check-tag-names': [
        'error',
        {
          definedTags: ['module', 'packageDocumentation', 'internal'],
          inlineTags: ['link', 'linkcode', 'linkplain', 'inheritDoc'],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
);
