import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default defineConfig(
    // scripts/ and network/builders/ are plain Node scripts that must run before any dependency is installed
    {
        ignores: [
            'dist/',
            '.fabric/',
            'node_modules/',
            'coverage/',
            '*.mjs',
            'jest.config.js',
            'scripts/',
            'network/builders/',
        ],
    },
    eslint.configs.recommended,
    tseslint.configs.strictTypeChecked,
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
