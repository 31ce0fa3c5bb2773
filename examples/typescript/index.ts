/**
 * openmetadata-sso as a library: two OpenMetadata environments with single sign-on on one Docker
 * host, each with its own Keycloak, database, search engine and signing keys.
 *
 * Every container, volume and network name derives from the component name, so two instances
 * never collide. Host ports are the one thing the caller must keep apart: each environment gets
 * its own OpenMetadata, admin and Keycloak port below.
 *
 *   npm install && pulumi stack init dev && pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "openmetadata-sso";

/** One environment per team, with its own host ports. */
const teams = [
  { name: "analytics", port: 8585, adminPort: 8586, keycloakPort: 8081 },
  { name: "platform", port: 8595, adminPort: 8596, keycloakPort: 8091 },
];

function environment(team: (typeof teams)[number]): OpenMetadataSsoArgs {
  return {
    environment: "local",
    publicUrl: `http://localhost:${team.port}`,
    target: "docker",
    admins: [`${team.name}-admin@example.com`],
    identity: {
      provider: "local-keycloak",
      localKeycloak: { port: team.keycloakPort, demoUser: `${team.name}-admin` },
    },
    docker: { adminPort: team.adminPort },
    dataRetention: "delete",
  };
}

const deployments = teams.map(
  (team) =>
    [team.name, new OpenMetadataSso(`openmetadata-${team.name}`, environment(team))] as const,
);

/** Where each team logs in. */
export const loginUrls = pulumi.output(
  Object.fromEntries(deployments.map(([team, om]) => [team, om.loginUrl])),
);

/** Each team's Keycloak and demo user; the passwords stay secret. */
export const keycloak = pulumi.output(
  Object.fromEntries(
    deployments.map(([team, om]) => [
      team,
      { url: om.keycloakUrl, user: om.demoUser, password: om.demoPassword },
    ]),
  ),
);
