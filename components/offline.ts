/**
 * The offline switch: set by the offline render, the benchmark and the tests, which run the
 * program with no credentials and no network. A leaf module, so that config and the checks can
 * both read it without importing each other.
 */
export const OFFLINE_ENV = "OPENMETADATA_SSO_OFFLINE";

/** True when the program runs without network or credentials (offline render, benchmark). */
export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[OFFLINE_ENV] === "1";
}
