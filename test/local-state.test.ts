/**
 * What `npm run down:local` and `npm run destroy:local` do with the local stack's state, as
 * `pulumi stack export` writes it. The Pulumi CLI is not on this machine: the commands are
 * asserted as arguments, not run.
 */
import { describe, expect, it } from "vitest";
import {
  containerUrns,
  downArgs,
  retainedVolumes,
  retainedVolumesNotice,
  type ExportedState,
} from "../scripts/local-state";

const URN = "urn:pulumi:local::openmetadata-sso::";
const SSO = "openmetadata-sso:index:OpenMetadataSso";
const KEYS = `${SSO}$openmetadata-sso:index:SigningKeys`;
const DOCKER = `${SSO}$openmetadata-sso:index:DockerDeployment`;

/** A state shaped as the local stack's: keys, passwords, network, volumes and containers. */
const STATE: ExportedState = {
  deployment: {
    resources: [
      { urn: `${URN}pulumi:pulumi:Stack::openmetadata-sso-local`, type: "pulumi:pulumi:Stack" },
      {
        urn: `${URN}${KEYS}$random:index/randomPassword:RandomPassword::openmetadata-local-keys-database-password`,
        type: "random:index/randomPassword:RandomPassword",
        retainOnDelete: true,
      },
      {
        urn: `${URN}${KEYS}$tls:index/privateKey:PrivateKey::openmetadata-local-keys-signing-key`,
        type: "tls:index/privateKey:PrivateKey",
        retainOnDelete: true,
      },
      {
        urn: `${URN}${DOCKER}$docker:index/network:Network::openmetadata-local-docker-network`,
        type: "docker:index/network:Network",
      },
      {
        urn: `${URN}${DOCKER}$docker:index/volume:Volume::openmetadata-local-docker-db-data`,
        type: "docker:index/volume:Volume",
        outputs: { name: "openmetadata-local-db-data" },
        retainOnDelete: true,
      },
      {
        urn: `${URN}${DOCKER}$docker:index/volume:Volume::openmetadata-local-docker-search-data`,
        type: "docker:index/volume:Volume",
        outputs: { name: "openmetadata-local-search-data" },
        retainOnDelete: true,
      },
      {
        urn: `${URN}${DOCKER}$docker:index/volume:Volume::openmetadata-local-docker-scratch`,
        type: "docker:index/volume:Volume",
        outputs: { name: "openmetadata-local-scratch" },
      },
      {
        urn: `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-database`,
        type: "docker:index/container:Container",
      },
      {
        urn: `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-server`,
        type: "docker:index/container:Container",
      },
    ],
  },
};

describe("down:local", () => {
  it("destroys the containers and what depends on them, and keeps secrets, network and volumes", () => {
    expect(containerUrns(STATE)).toEqual([
      `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-database`,
      `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-server`,
    ]);
    expect(downArgs(STATE)).toEqual([
      "destroy",
      "--yes",
      "--target",
      `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-database`,
      "--target",
      `${URN}${DOCKER}$docker:index/container:Container::openmetadata-local-docker-server`,
      "--target-dependents",
    ]);
  });

  it("has nothing to do before the first up:local, or after a down", () => {
    expect(downArgs({})).toBeUndefined();
    expect(downArgs({ deployment: { resources: null } })).toBeUndefined();
    expect(
      downArgs({ deployment: { resources: STATE.deployment!.resources!.slice(0, 7) } }),
    ).toBeUndefined();
  });
});

describe("destroy:local", () => {
  it("names the volumes a destroy leaves on disk, and how to remove them before the next up", () => {
    const volumes = retainedVolumes(STATE);
    expect(volumes).toEqual(["openmetadata-local-db-data", "openmetadata-local-search-data"]);
    expect(retainedVolumesNotice(volumes)).toBe(
      [
        "",
        "Kept on this machine (dataRetention: retain): Docker volumes openmetadata-local-db-data, openmetadata-local-search-data.",
        "The next up:local generates new passwords, which cannot open the database in them. Remove them first:",
        "  docker volume rm openmetadata-local-db-data openmetadata-local-search-data",
        "",
      ].join("\n"),
    );
  });

  it("says nothing when the stack was set to delete its data", () => {
    expect(
      retainedVolumes({ deployment: { resources: STATE.deployment!.resources!.slice(0, 4) } }),
    ).toEqual([]);
    expect(retainedVolumesNotice([])).toBe("");
  });
});
