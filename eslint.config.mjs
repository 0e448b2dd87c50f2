import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
    { ignores: ['dist/', '.fabric/', 'node_modules/', 'coverage/', '*.mjs', 'jest.config.js'] },
    eslint.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    {
        languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
        rules: {
            complexity: ['error', 12],
            '@typescript-eslint/explicit-function-return-type': 'error',
            '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
            'no-console': 'error',
        },
    },
    {
        files: ['tests/**', 'network/src/cli.ts', 'seeds/**'],
        rules: { 'no-console': 'off' },
    },
    prettier,
);
