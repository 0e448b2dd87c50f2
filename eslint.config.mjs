import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Import boundaries: imports run one way, seeds → gateway → network / chaincode vocabulary, and chaincode depends
 * on nothing of ours. Each regex is matched against the import path as written; a `files` block replaces the
 * `no-restricted-imports` options of an earlier one, so each folder lists all of its rules.
 */
const outOf = (folders, message) => ({ regex: `^(\\.\\./)+(${folders})(/|$)`, message });

const CHAINCODE_ALONE = outOf(
    'gateway|network|seeds|tests',
    'chaincode/ is deployed on its own: it imports nothing of ours',
);
/** What the gateway uses of the chaincode: its vocabulary, its record shapes, and the rules it checks before the ledger. */
const GATEWAY_CHAINCODE = {
    regex: '^(\\.\\./)+chaincode/(?!src/vocabulary$|src/model/records$|src/lib/(auth|identity|text)$|src/rules/trade-rules$)',
    message:
        "the gateway uses only the chaincode's vocabulary, its record shapes (the read side) and the rules it checks first (permissions, text, business date, a trade draft's own rules)",
};
const GATEWAY = [
    outOf('seeds|tests', 'the gateway is below seeds and tests: it never imports them'),
    GATEWAY_CHAINCODE,
];
const NO_CLIENT = {
    regex: '^(\\./|(\\.\\./)+)client(/|$)',
    message: "the client is for the gateway's callers (cli, seeds, tests); the server never imports it",
};
const NETWORK = [
    outOf('gateway|seeds|tests', 'network/ is below the gateway: it imports nothing above it'),
    outOf(
        'chaincode/src/contracts|chaincode/src(/index)?$',
        'network/ deploys the chaincode; it never imports its contracts',
    ),
];
const SEEDS = [outOf('tests', 'seeds never import tests')];
/** network/client is the network's face for clients: they import its index and nothing else of network/. */
const NETWORK_CLIENT_ONLY = { regex: 'network/(src|client/)', message: 'import the network from network/client' };
const NETWORK_CLIENT_ENTRY = { regex: 'network/client/', message: 'import the network client from network/client' };
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

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
    { files: ['chaincode/**'], rules: restrict([CHAINCODE_ALONE]) },
    { files: ['gateway/**'], rules: restrict([...GATEWAY, NO_CLIENT, NETWORK_CLIENT_ONLY]) },
    { files: ['gateway/src/cli/**'], rules: restrict([...GATEWAY, NETWORK_CLIENT_ONLY]) },
    {
        files: ['gateway/src/idempotency/**', 'gateway/src/auth/**'],
        rules: restrict([
            ...GATEWAY,
            NO_CLIENT,
            NETWORK_CLIENT_ONLY,
            {
                regex: '^(\.\./)+http(/|$)',
                message: 'throw a domain error of this folder (errors.ts); http/errors.ts maps it to its HTTP answer',
            },
        ]),
    },
    {
        files: ['gateway/src/client/**'],
        rules: restrict([
            {
                regex: '^\.\./(?!routes/(common|[a-z-]+/schema)$)',
                message:
                    "the client depends only on the gateway's zod schemas (routes/common, routes/<resource>/schema)",
            },
        ]),
    },
    { files: ['network/**'], rules: restrict(NETWORK) },
    // the client never depends on the supervisor: the supervisor writes what the client reads
    {
        files: ['network/client/**'],
        rules: restrict([
            ...NETWORK,
            { regex: '^\.\./src(/|$)', message: 'network/client must not import the supervisor' },
        ]),
    },
    { files: ['seeds/**'], rules: restrict([...SEEDS, NETWORK_CLIENT_ONLY]) },
    { files: ['tests/**'], rules: restrict([NETWORK_CLIENT_ONLY]) },
    // the real-network suites and the demo launcher drive the supervisor (up, crash, status), and use the client face
    { files: ['tests/network/**'], rules: restrict([NETWORK_CLIENT_ENTRY]) },
    { files: ['seeds/src/start.ts'], rules: restrict([...SEEDS, NETWORK_CLIENT_ENTRY]) },
    // the supervisor's own unit tests
    { files: ['tests/unit/network/**'], rules: restrict([]) },
    {
        files: ['tests/**', 'network/src/cli.ts', 'seeds/**'],
        rules: { 'no-console': 'off' },
    },
    prettier,
);
