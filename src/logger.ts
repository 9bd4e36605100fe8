/** Structured logger (pino's shape): what the chain, the network and the node log through. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** A logger that drops everything (the default of components given none). */
export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };
