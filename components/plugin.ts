/**
 * Entry of the Pulumi plugin: what Python, Go, .NET and YAML programs get through
 * `pulumi package add` (see PulumiPlugin.yaml and `main` in package.json).
 *
 * The plugin host exposes every ComponentResource this module exports, so it exports the one
 * component meant for other languages and the string enums its arguments use. The internal
 * components (`SigningKeys`, the targets, the identity apps) stay out of the schema. TypeScript
 * programs import the full API from the package name instead (`components/index.ts`).
 */
export * from "./types";
export { OpenMetadataSso, type OpenMetadataSsoArgs } from "./openmetadata-sso";
