/**
 * A failed one-shot on Docker is run again by the next plain `pulumi up`, and only then: sequences
 * of updates against a model of the engine and the Docker provider that keeps a one-shot's exit
 * code in the state, as the real ones do (test/support/docker-engine.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { OpenMetadataSso, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { localStackArgs } from "./support/args";
import { DockerEngine, type Outcome, type Step, type Update } from "./support/docker-engine";
import { plain, reported, useMocks } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const localArgs = localStackArgs();

const MIGRATION_LOG = "Migration of 1.13.1 failed\nCaused by: search cluster is version 8.11.4";

/** A stack whose one-shot `failing` fails while `broken.now` holds, and every other run passes. */
function stack(failing: string, args: OpenMetadataSsoArgs = localArgs) {
  const broken = { now: true };
  const engine = new DockerEngine((name): Outcome =>
    name === failing && broken.now
      ? { exitCode: 1, output: MIGRATION_LOG }
      : { exitCode: 0, output: `${name}: done` },
  );
  const up = (options: { preview?: boolean } = {}) =>
    engine.update(() => new OpenMetadataSso("om", args), options);
  return { engine, broken, up };
}

/** The steps of an update other than "same", by Pulumi name. */
function changes(update: Update): Record<string, Step> {
  return Object.fromEntries(Object.entries(update.steps).filter(([, step]) => step !== "same"));
}

/** The one-shot exit report line a container printed, as the model's daemon holds it. */
function report(engine: DockerEngine, name: string, code: number): string {
  return `openmetadata-sso one-shot: exit=${code} host=${engine.daemon.get(name)!.hostname}`;
}

const MIGRATION_FAILED =
  "The OpenMetadata migration failed with exit code 1; the server was not started. Read the whole log with: docker logs om-migrate. Fix the cause, then run `pulumi up` again: it re-runs the migration.\n" +
  MIGRATION_LOG;

describe("a failed migration", () => {
  it("fails the update; once the cause is fixed, the next up runs it again and starts the server; the one after changes nothing", async () => {
    const { engine, broken, up } = stack("om-migrate");

    const first = await up();
    expect(first.errors.map(reported)).toEqual([MIGRATION_FAILED]);
    expect(first.ran).toEqual(["om-migrate"]);
    expect(first.steps["om-docker-server"]).toBeUndefined();
    // The first run has no container to read: no attempt hostname, a short id from Docker.
    expect(first.logReads).toContainEqual({ name: "om-migrate", tail: "1", discardHeaders: true });
    const firstHost = engine.daemon.get("om-migrate")!.hostname;
    expect(firstHost).toMatch(/^[0-9a-f]{12}$/);
    expect(engine.daemon.get("om-migrate")!.log).toEqual([
      "Migration of 1.13.1 failed",
      "Caused by: search cluster is version 8.11.4",
      `openmetadata-sso one-shot: exit=1 host=${firstHost}`,
      `openmetadata-sso one-shot: exit=1 host=${firstHost}`,
    ]);

    broken.now = false;
    const second = await up();
    expect(second.errors).toEqual([]);
    // Exactly the failed one-shot is replaced; the server and verification never existed.
    expect(changes(second)).toEqual({
      "om-docker-migrate": "replace",
      "om-docker-server": "create",
      "om-docker-verify": "create",
    });
    expect(second.ran).toEqual(["om-migrate", "om-verify"]);
    expect(engine.daemon.get("om-migrate")!.hostname).toBe("attempt-2");
    expect(engine.daemon.get("om-migrate")!.log.at(-1)).toBe(
      "openmetadata-sso one-shot: exit=0 host=attempt-2",
    );

    const third = await up();
    expect(third.errors).toEqual([]);
    expect(changes(third)).toEqual({});
    expect(third.ran).toEqual([]);
    expect(Object.keys(third.steps).length).toBe(Object.keys(second.steps).length);
  });

  it("without the fix, every up runs it again and fails again, each time as the next attempt", async () => {
    const { engine, broken, up } = stack("om-migrate");
    await up();
    const again = await up();
    expect(again.errors.map(reported)).toEqual([MIGRATION_FAILED]);
    expect(changes(again)).toEqual({ "om-docker-migrate": "replace" });
    expect(again.ran).toEqual(["om-migrate"]);
    expect(engine.daemon.get("om-migrate")!.log.at(-1)).toBe(
      "openmetadata-sso one-shot: exit=1 host=attempt-2",
    );

    broken.now = false;
    const fixed = await up();
    expect(fixed.errors).toEqual([]);
    expect(fixed.ran).toEqual(["om-migrate", "om-verify"]);
    expect(engine.daemon.get("om-migrate")!.hostname).toBe("attempt-3");
    expect(changes(await up())).toEqual({});
  });

  it("shows the re-run in the preview, which runs nothing and changes nothing", async () => {
    const { engine, broken, up } = stack("om-migrate");
    await up();
    broken.now = false;
    const state = structuredClone([...engine.state]);
    const daemon = structuredClone([...engine.daemon]);

    const preview = await up({ preview: true });
    expect(preview.errors).toEqual([]);
    expect(changes(preview)).toEqual({
      "om-docker-migrate": "replace",
      "om-docker-server": "create",
      "om-docker-verify": "create",
    });
    expect(preview.ran).toEqual([]);
    expect([...engine.state]).toEqual(state);
    expect([...engine.daemon]).toEqual(daemon);
  });

  it("removed by hand, it stays failed in the state until `pulumi up --refresh` drops it there and runs it again", async () => {
    const { engine, broken, up } = stack("om-migrate");
    await up();
    broken.now = false;
    engine.daemon.delete("om-migrate");
    // No container to read: the program keeps the first attempt's inputs, and the engine the
    // stored exit code.
    const stuck = await up();
    expect(changes(stuck)).toEqual({});
    expect(stuck.errors.map(reported)).toEqual([MIGRATION_FAILED]);
    expect(stuck.ran).toEqual([]);

    engine.refresh();
    const refreshed = await up();
    expect(refreshed.errors).toEqual([]);
    expect(changes(refreshed)).toEqual({
      "om-docker-migrate": "create",
      "om-docker-server": "create",
      "om-docker-verify": "create",
    });
    expect(refreshed.ran).toEqual(["om-migrate", "om-verify"]);
    expect(changes(await up())).toEqual({});
  });
});

describe("with no Docker engine to read from (a preview on another machine)", () => {
  it("warns once per one-shot and keeps the first attempt's inputs", async () => {
    const { engine, up } = stack("om-migrate");
    engine.unreachable =
      "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";
    const warn = vi.spyOn(pulumi.log, "warn");
    try {
      const preview = await up({ preview: true });
      expect(preview.errors).toEqual([]);
      const warnings = warn.mock.calls
        .map(([message]) => message)
        .filter((message) => message.startsWith("Cannot read the last run"));
      expect(warnings).toEqual(
        ["om-migrate", "om-verify"].map(
          (name) =>
            `Cannot read the last run of the one-shot container ${name}: invocation of docker:index/getLogs:getLogs returned an error: invoking docker:index/getLogs:getLogs: dataSourceDockerLogsRead: error while asking for logs ${engine.unreachable}. If it failed, this update does not run it again.`,
        ),
      );
      const migrate = preview.resources.find((r) => r.name === "om-docker-migrate")!;
      expect(migrate.inputs.hostname).toBeUndefined();
    } finally {
      warn.mockRestore();
    }
  });
});

describe("a failed verification", () => {
  it("fails the update; the next up runs exactly the verification again; the one after changes nothing", async () => {
    const { engine, broken, up } = stack("om-verify");

    const first = await up();
    expect(first.errors.map(reported)).toEqual([
      "OpenMetadata does not serve the auth settings that were deployed. Read: docker logs om-verify. Fix the cause, then run `pulumi up` again: it re-runs the verification.\n" +
        MIGRATION_LOG,
    ]);
    expect(first.ran).toEqual(["om-migrate", "om-verify"]);
    expect(engine.daemon.get("om-verify")!.log.slice(-2)).toEqual([
      report(engine, "om-verify", 1),
      report(engine, "om-verify", 1),
    ]);

    broken.now = false;
    const second = await up();
    expect(second.errors).toEqual([]);
    expect(changes(second)).toEqual({ "om-docker-verify": "replace" });
    expect(second.ran).toEqual(["om-verify"]);
    expect(engine.daemon.get("om-verify")!.hostname).toBe("attempt-2");

    const third = await up();
    expect(third.errors).toEqual([]);
    expect(changes(third)).toEqual({});
    expect(third.ran).toEqual([]);
  });
});

describe("a failed bot token regeneration", () => {
  const rotated: OpenMetadataSsoArgs = { ...localArgs, keys: { rotation: "2026-11" } };
  const NAME = "om-regenerate-bot-tokens-2026-11";

  it("fails the update; the next up runs it again as it first ran; the one after changes nothing", async () => {
    const { engine, broken, up } = stack(NAME, rotated);

    const first = await up();
    expect(first.errors.map(reported)).toEqual([
      `Regenerating the bot tokens after the key rotation failed with exit code 1; bots and ingestion get 401 until it succeeds. Read: docker logs ${NAME}. Fix the cause, then run \`pulumi up\` again: it re-runs this regeneration, with the image, env and files it first ran with.\n` +
        MIGRATION_LOG,
    ]);
    expect(first.ran).toEqual(["om-migrate", NAME, "om-verify"]);
    const firstInputs = engine.state.get(
      `docker:index/container:Container::om-docker-regenerate-bot-tokens-2026-11`,
    )!.inputs;

    broken.now = false;
    const second = await up();
    expect(second.errors).toEqual([]);
    expect(changes(second)).toEqual({ "om-docker-regenerate-bot-tokens-2026-11": "replace" });
    expect(second.ran).toEqual([NAME]);
    // The replacement carries the frozen inputs; only the attempt hostname is new.
    const secondInputs = engine.state.get(
      `docker:index/container:Container::om-docker-regenerate-bot-tokens-2026-11`,
    )!.inputs;
    expect(plain({ ...secondInputs, hostname: undefined })).toEqual(
      plain({ ...firstInputs, hostname: undefined }),
    );
    expect(secondInputs.hostname).toBe("attempt-2");

    const third = await up();
    expect(third.errors).toEqual([]);
    expect(changes(third)).toEqual({});
    expect(third.ran).toEqual([]);
  });
});
