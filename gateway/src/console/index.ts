export { ConsoleApi } from './api';
export { consoleRouter, type ConsoleDeps, type ConsoleOptions } from './router';
