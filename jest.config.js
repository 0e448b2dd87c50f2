/**
 * Two projects: fast unit tests, and tests against the real Fabric network (brought up once by globalSetup).
 * Tests run one file at a time: network tests stop and restart nodes of the shared network.
 */
const base = {
    preset: 'ts-jest',
    testEnvironment: 'node',
    testEnvironmentOptions: { globalsCleanup: 'off' },
    modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.fabric/'],
};

module.exports = {
    maxWorkers: 1,
    projects: [
        { ...base, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
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
