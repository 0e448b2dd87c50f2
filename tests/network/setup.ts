import { jest } from '@jest/globals';

// Bringing nodes down and up takes seconds, not milliseconds.
jest.setTimeout(240_000);
