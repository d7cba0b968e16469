/**
 * tacd: Twisted's Application framework for Node. Apps import from 'tacd'.
 */
export * from './application/service.js';
export * from './application/application.js';
export * from './application/logger/logger.js';
export * from './application/logger/format.js';
export { TacError, UsageError, DataError, NoInputError, CantCreateError } from './core/errors.js';
export { ExitCode } from './core/exit-codes.js';
