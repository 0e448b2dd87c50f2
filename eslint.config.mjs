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
    // network/client is the network's face for clients: they import its index and nothing else of network/
    {
        files: ['gateway/**', 'seeds/**', 'tests/**'],
        ignores: ['tests/unit/network/**', 'tests/network/**', 'gateway/src/cli/start.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                { patterns: [{ regex: 'network/(src|client/)', message: 'import the network from network/client' }] },
            ],
        },
    },
    // the real-network suites and the demo launcher drive the supervisor (up, crash, status), and use the client face
    {
        files: ['tests/network/**', 'gateway/src/cli/start.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                { patterns: [{ regex: 'network/client/', message: 'import the network client from network/client' }] },
            ],
        },
    },
    // the client never depends on the supervisor: the supervisor writes what the client reads
    {
        files: ['network/client/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                { patterns: [{ regex: '^\\.\\./src(/|$)', message: 'network/client must not import the supervisor' }] },
            ],
        },
    },
    {
        files: ['tests/**', 'network/src/cli.ts', 'seeds/**'],
        rules: { 'no-console': 'off' },
    },
    prettier,
);
