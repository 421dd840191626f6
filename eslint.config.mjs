import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'

export default tseslint.config(
  { ignores: ['build/**', 'dist/**', 'node_modules/**', 'static/**', 'artifacts/**', '.tmp/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // An import loop makes module order matter (a value read before its module ran): none allowed.
    files: ['src/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] }, 'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'tsconfig.node.json'], noWarnOnMultipleProjects: true })] },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // The shared core is imported by every program: it must not reach back into them.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../tv/*', '../server/*', '../phone/*', '**/tv/**', '**/server/**', '**/phone/**', 'node:*', 'fs', 'path', '@lightningjs/*'] }],
    },
  },
  {
    // The TV's first bundle reaches the pairing feature only through its loader (a second
    // bundle, src/tv/features/pairingFeature.ts); types may be imported.
    files: ['src/tv/**/*.ts'],
    ignores: ['src/tv/features/pairing/**', 'src/tv/features/pairingFeature.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/pairing', '**/pairing/**'], allowTypeImports: true, message: 'load the pairing feature with loadPairingFeature()' }] }],
      // The feature bundle receives copies of these modules' exports (tools/tv-feature-build.ts).
      'no-restricted-syntax': ['error', { selector: "ExportNamedDeclaration > VariableDeclaration[kind='let']", message: 'no mutable exports: the pairing feature sees a copy' }],
    },
  },
  {
    // Build configuration the Lightning CLI loads with require().
    files: ['rollup.es6.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
)
