import type { OpenMetadataSsoArgs } from "../../components/types";

/**
 * The smallest valid stack: local, on Docker, with the bundled Keycloak and one admin. A new
 * object at every call, so a test that changes its copy changes no other test's.
 */
export function localStackArgs(): OpenMetadataSsoArgs {
  return {
    environment: "local",
    publicUrl: "http://localhost:8585",
    target: "docker",
    admins: ["demo@example.com"],
    identity: { provider: "local-keycloak" },
  };
}
