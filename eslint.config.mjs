import tseslint from 'typescript-eslint'

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
    // The shared core is imported by every program: it must not reach back into them.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../tv/*', '../server/*', '../phone/*', '**/tv/**', '**/server/**', '**/phone/**', 'node:*', 'fs', 'path', '@lightningjs/*'] }],
    },
  },
)
