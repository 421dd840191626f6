/** A bad configuration value: the message names the variable, and the start stops. */
export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`)
  }
}
