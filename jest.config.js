/**
 * Two projects: fast unit tests, and tests against a real Fabric network of their own (the default topology on
 * other ports in .fabric/test/net, brought up once by globalSetup, down again in globalTeardown).
 * Tests run one file at a time: network tests stop and restart nodes of that shared test network.
 */
const base = {
    // ts-jest compiles tests to CommonJS whatever tsconfig's module says, and still fails a test on a type error.
    // With module node16 (tsconfig needs it for TypeScript 6) and isolatedModules off it adds message 151002 to
    // every file, saying only that: ignored here, not its type diagnostics.
    transform: { '^.+\\.tsx?$': ['ts-jest', { diagnostics: { ignoreCodes: [151002] } }] },
    testEnvironment: 'node',
    testEnvironmentOptions: { globalsCleanup: 'off' },
    modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.fabric/'],
};

module.exports = {
    maxWorkers: 1,
    projects: [
        {
            ...base,
            displayName: 'unit',
            testMatch: ['<rootDir>/tests/unit/**/*.test.ts'],
            // a private PostgreSQL server for the read model's tests (scripts/ensure-postgres.js)
            globalSetup: '<rootDir>/tests/unit/global-setup.ts',
            globalTeardown: '<rootDir>/tests/unit/global-teardown.ts',
        },
        {
            ...base,
            displayName: 'network',
            testMatch: ['<rootDir>/tests/network/**/*.test.ts'],
            globalSetup: '<rootDir>/tests/network/global-setup.ts',
            globalTeardown: '<rootDir>/tests/network/global-teardown.ts',
            setupFilesAfterEnv: ['<rootDir>/tests/network/setup.ts'],
        },
    ],
};
