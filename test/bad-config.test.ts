/**
 * The bad-input corpus: every file under test/bad-config/ is a stack config (`config:` exactly as in
 * stacks/Pulumi.<stack>.yaml) plus the exact lines it must produce (`expect:`). Each runs through the
 * real program (index.ts) with credentials checked, as `pulumi up` would, and none may register a
 * single resource.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { installMocks, readStackFile, settle } from "../scripts/offline";

const DIR = path.join(__dirname, "bad-config");
const FILES = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith(".yaml"))
  .sort();

/** Provider env vars that would satisfy credential checks on a developer machine. */
const CREDENTIAL_ENV = /^(OKTA_|AUTH0_|KEYCLOAK_|ARM_|ONELOGIN_|OPENMETADATA_SSO_OFFLINE$)/;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  for (const name of Object.keys(process.env).filter((n) => CREDENTIAL_ENV.test(n))) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});

afterAll(() => {
  Object.assign(process.env, saved);
});

describe("the bad-input corpus", () => {
  it("is counted right in docs/guarantees.md", () => {
    const page = fs.readFileSync(path.join(__dirname, "..", "docs", "guarantees.md"), "utf8");
    expect(page).toContain(`(${FILES.length} stack configs under \`test/bad-config/\``);
  });

  it("holds at least 30 configs, each with a description and its expected lines", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(30);
    for (const file of FILES) {
      const text = fs.readFileSync(path.join(DIR, file), "utf8");
      expect(text.startsWith("# "), `${file} starts with a description`).toBe(true);
      const doc = parse(text) as { config?: object; expect?: string[] };
      expect(doc.config, `${file} has a config`).toBeTypeOf("object");
      expect(doc.expect?.length, `${file} has expected lines`).toBeGreaterThan(0);
    }
  });

  it.each(FILES)("%s fails with exactly its expected lines and registers nothing", async (file) => {
    const expected = (parse(fs.readFileSync(path.join(DIR, file), "utf8")) as { expect: string[] })
      .expect;
    const config = readStackFile(file, undefined, path.join(DIR, file));
    const recorded = installMocks({ realKeys: false, project: config.project, stack: "bad" });
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    vi.resetModules();
    const error = await import("../index.js").then(
      () => undefined,
      (e: unknown) => e,
    );
    await settle();
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(
      [
        `Invalid stack config (${expected.length} problem${expected.length === 1 ? "" : "s"}):`,
        ...expected.map((line) => `  - ${line}`),
      ].join("\n"),
    );
    expect(recorded).toEqual([]);
  });
});
