import { AppError } from './appError.js';

/** The environment asks for something the service cannot run with. */
export class ConfigError extends AppError {}
