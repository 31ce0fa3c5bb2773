import { describe, expect, it } from "vitest";
import { PINNED_IMAGES } from "../components/docker";
import {
  belowMinimum,
  COMPATIBILITY,
  imageRelease,
  isBelow,
  minimumsFor,
} from "../components/settings/compatibility";

describe("the compatibility table", () => {
  it("has a table for each supported OpenMetadata minor release, each minimum with its source", () => {
    expect(Object.keys(COMPATIBILITY).sort()).toEqual(["1.12", "1.13"]);
    expect(minimumsFor("1.13.1")).toEqual({
      mysql: {
        version: "8.0.42",
        source:
          'OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)',
      },
      postgresql: {
        version: "15",
        source:
          'OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)',
      },
      elasticsearch: {
        version: "9.0.0",
        source:
          'OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)',
      },
      opensearch: {
        version: "3.0.0",
        source:
          'OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)',
      },
    });
    expect(minimumsFor("1.12.5")?.elasticsearch.version).toBe("9.3.0");
    expect(minimumsFor("1.12.5")?.opensearch.version).toBe("3.2.0");
    expect(minimumsFor("1.4.0")).toBeUndefined();
  });

  it("holds every pinned default to the minimums of every supported release", () => {
    for (const version of ["1.12.0", "1.13.1"]) {
      for (const engine of ["mysql", "postgresql", "elasticsearch", "opensearch"] as const) {
        const image = PINNED_IMAGES[engine];
        expect(imageRelease(image), image).toBeDefined();
        expect(belowMinimum(image, engine, version), `${image} for ${version}`).toBeUndefined();
      }
    }
  });

  it("reads the release from the tag, past registry ports and suffixes", () => {
    expect(imageRelease("mysql:8.0.44")).toEqual([8, 0, 44]);
    expect(imageRelease("postgres:16.4-alpine")).toEqual([16, 4]);
    expect(imageRelease("registry.example.com:5000/mirror/mysql:8.0.39")).toEqual([8, 0, 39]);
    expect(imageRelease("opensearchproject/opensearch:v3.3.2")).toEqual([3, 3, 2]);
    expect(imageRelease("registry.example.com:5000/mysql@sha256:abc")).toBeUndefined();
    expect(imageRelease("mysql:lts")).toBeUndefined();
    expect(imageRelease("mysql:8.0.44@sha256:abc")).toEqual([8, 0, 44]);
  });

  it("compares release numbers, missing ones as 0", () => {
    expect(isBelow([8, 0, 39], "8.0.42")).toBe(true);
    expect(isBelow([8, 0, 42], "8.0.42")).toBe(false);
    expect(isBelow([8, 4], "8.0.42")).toBe(false);
    expect(isBelow([8, 0], "8.0.42")).toBe(true);
    expect(isBelow([14, 9], "15")).toBe(true);
    expect(isBelow([15], "15")).toBe(false);
    expect(isBelow([10], "9.0.0")).toBe(false);
  });

  it("says what is wrong with an image below the minimum, naming the minimum and its source", () => {
    expect(
      belowMinimum(
        "docker.elastic.co/elasticsearch/elasticsearch:8.11.4",
        "elasticsearch",
        "1.13.1",
      ),
    ).toBe(
      'must be Elasticsearch 9.0.0 or later for OpenMetadata 1.13.1 (OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)); got "docker.elastic.co/elasticsearch/elasticsearch:8.11.4"',
    );
    expect(belowMinimum("mysql:8.0.39@sha256:abc", "mysql", "1.12.3")).toBe(
      'must be MySQL 8.0.42 or later for OpenMetadata 1.12.3 (OpenMetadata docs v1.12.x, "Upgrade OpenMetadata" version matrix); got "mysql:8.0.39@sha256:abc"',
    );
    expect(belowMinimum("mysql@sha256:abc", "mysql", "1.13.1")).toBeUndefined();
    expect(belowMinimum("mysql:8.0.39", "mysql", "1.4.0")).toBeUndefined();
  });
});
