/** Public API of openmetadata-sso. */
export { OpenMetadataSso, type OpenMetadataSsoArgs } from "./openmetadata-sso";
export * from "./types";
export { SigningKeys, type SigningKeysArgs, pemToDerBase64 } from "./keys";
export {
  ConfigValidationError,
  readStackConfig,
  validateArgs,
  type ConfigIssue,
  type ResolvedSettings,
} from "./config";
export type { IdentityApp, IdentityFacts } from "./identity/types";
