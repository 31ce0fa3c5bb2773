/**
 * What `npm run down:local` and `npm run destroy:local` read from the local stack's state
 * (`pulumi stack export`): pure functions, so they are tested without the Pulumi CLI.
 *
 * `down:local` removes only what runs, the containers. The generated passwords, signing key and
 * fernet key stay in the state with the volumes they opened, so the next `up:local` recreates the
 * containers with the same secrets and finds the data. A full destroy would forget those secrets
 * while the retained volumes stay on disk, and MySQL or PostgreSQL set their passwords only when
 * their volume is empty: the next stack could not open its own database.
 */

/** A resource as `pulumi stack export` writes it (the fields read here). */
export interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
  retainOnDelete?: boolean;
}

/** The part of `pulumi stack export` read here. */
export interface ExportedState {
  deployment?: { resources?: ExportedResource[] | null };
}

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";

function resources(state: ExportedState): ExportedResource[] {
  return state.deployment?.resources ?? [];
}

/** The URNs of every container in the state: the targets of `down:local`. */
export function containerUrns(state: ExportedState): string[] {
  return resources(state)
    .filter((resource) => resource.type === CONTAINER)
    .map((resource) => resource.urn);
}

/** The arguments of `pulumi destroy` for `down:local`, or undefined when nothing runs. */
export function downArgs(state: ExportedState): string[] | undefined {
  const urns = containerUrns(state);
  if (urns.length === 0) return undefined;
  return ["destroy", "--yes", ...urns.flatMap((urn) => ["--target", urn]), "--target-dependents"];
}

/** Names of the Docker volumes a destroy leaves on disk (`retainOnDelete`). */
export function retainedVolumes(state: ExportedState): string[] {
  return resources(state)
    .filter((resource) => resource.type === VOLUME && resource.retainOnDelete === true)
    .map((resource) => resource.outputs?.name)
    .filter((name): name is string => typeof name === "string")
    .sort();
}

/** What `destroy:local` says after a destroy that left volumes on disk; empty when none. */
export function retainedVolumesNotice(volumes: string[]): string {
  if (volumes.length === 0) return "";
  return [
    "",
    `Kept on this machine (dataRetention: retain): Docker volume${volumes.length === 1 ? "" : "s"} ${volumes.join(", ")}.`,
    "The next up:local generates new passwords, which cannot open the database in them. Remove them first:",
    `  docker volume rm ${volumes.join(" ")}`,
    "",
  ].join("\n");
}
