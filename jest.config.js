/** Two projects: fast unit tests, and tests against the real Fabric network (brought up once by globalSetup). */
const base = { preset: 'ts-jest', testEnvironment: 'node' };

module.exports = {
    projects: [
        { ...base, displayName: 'unit', testMatch: ['<rootDir>/tests/unit/**/*.test.ts'] },
        {
            ...base,
            displayName: 'network',
            testMatch: ['<rootDir>/tests/network/**/*.test.ts'],
            globalSetup: '<rootDir>/tests/network/global-setup.ts',
            testTimeout: 240000,
        },
    ],
};
