/**
 * The database and search versions each supported OpenMetadata release needs, each minimum with the
 * page that states it. Config validation refuses an image override below them, and a test holds
 * every pinned default to them. Depends on nothing: config reads it before any resource exists.
 */

/** The engines a deployment can run. */
export type DependencyEngine = "mysql" | "postgresql" | "elasticsearch" | "opensearch";

/** One minimum: the lowest release that works, and where OpenMetadata says so. */
export interface Minimum {
  /** The lowest supported release, as dotted numbers. */
  version: string;
  /** The page (and version of it) that states the minimum. */
  source: string;
}

/** How the engines are named to a user. */
export const ENGINE_NAMES: Record<DependencyEngine, string> = {
  mysql: "MySQL",
  postgresql: "PostgreSQL",
  elasticsearch: "Elasticsearch",
  opensearch: "OpenSearch",
};

const V1_13_REQUIREMENTS =
  'OpenMetadata docs v1.13.x, "Minimum Requirements" (deployment/minimum-requirements)';
const V1_12_MATRIX = 'OpenMetadata docs v1.12.x, "Upgrade OpenMetadata" version matrix';

/**
 * Minimums per OpenMetadata minor release (`major.minor`). Both releases use the 9.x Elasticsearch
 * client, which "is not compatible with 8.x or older servers" (OpenMetadata docs, bare-metal
 * deployment page, v2.1.x). The 1.12 matrix prints PostgreSQL's minimum as "1.15.0", a typo for 15
 * (OpenMetadata issue #26484).
 */
export const COMPATIBILITY: Record<string, Record<DependencyEngine, Minimum>> = {
  "1.13": {
    mysql: { version: "8.0.42", source: V1_13_REQUIREMENTS },
    postgresql: { version: "15", source: V1_13_REQUIREMENTS },
    elasticsearch: { version: "9.0.0", source: V1_13_REQUIREMENTS },
    opensearch: { version: "3.0.0", source: V1_13_REQUIREMENTS },
  },
  "1.12": {
    mysql: { version: "8.0.42", source: V1_12_MATRIX },
    postgresql: { version: "15", source: V1_12_MATRIX },
    elasticsearch: { version: "9.3.0", source: V1_12_MATRIX },
    opensearch: { version: "3.2.0", source: V1_12_MATRIX },
  },
};

/** The minimums for an OpenMetadata release, or `undefined` for a release without a table. */
export function minimumsFor(
  openmetadataVersion: string,
): Record<DependencyEngine, Minimum> | undefined {
  const minor = /^(\d+\.\d+)\./.exec(openmetadataVersion)?.[1];
  return minor === undefined ? undefined : COMPATIBILITY[minor];
}

/**
 * The release an image's tag names, as numbers (`mysql:8.0.44` → [8, 0, 44], `postgres:16.4-alpine`
 * → [16, 4]); `undefined` when the reference has no tag that starts with a version (a digest, or a
 * name like `lts`), which cannot be compared.
 */
export function imageRelease(image: string): number[] | undefined {
  const withoutDigest = image.split("@")[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf("/") + 1);
  const colon = lastSegment.indexOf(":");
  if (colon < 0) return undefined;
  const version = /^v?(\d+(?:\.\d+)*)/.exec(lastSegment.slice(colon + 1))?.[1];
  return version?.split(".").map(Number);
}

/** Whether `release` is older than `minimum`; missing trailing numbers count as 0. */
export function isBelow(release: number[], minimum: string): boolean {
  const floor = minimum.split(".").map(Number);
  for (let i = 0; i < Math.max(release.length, floor.length); i++) {
    const a = release[i] ?? 0;
    const b = floor[i] ?? 0;
    if (a !== b) return a < b;
  }
  return false;
}

/**
 * Why `image` cannot serve as `engine` for an OpenMetadata release, naming the minimum and its
 * source; `undefined` when it meets the minimum, or when its tag names no comparable release.
 */
export function belowMinimum(
  image: string,
  engine: DependencyEngine,
  openmetadataVersion: string,
): string | undefined {
  const minimum = minimumsFor(openmetadataVersion)?.[engine];
  const release = imageRelease(image);
  if (minimum === undefined || release === undefined || !isBelow(release, minimum.version)) {
    return undefined;
  }
  return `must be ${ENGINE_NAMES[engine]} ${minimum.version} or later for OpenMetadata ${openmetadataVersion} (${minimum.source}); got ${JSON.stringify(image)}`;
}
