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

/**
 * Lines about a missing credential or secret: the offline render has no credentials, and stands in
 * a marked placeholder for a missing secret, which it names. Nothing else may pass offline.
 */
const MISSING_SECRET_LINE =
  /^(okta:apiToken|auth0:clientSecret|keycloak:clientSecret|onelogin:(clientId|clientSecret|subdomain)|openmetadata-sso:(clientSecret|tlsPrivateKey|databasePassword|searchPassword)): is required/;

function message(lines: string[]): string {
  return [
    `Invalid stack config (${lines.length} problem${lines.length === 1 ? "" : "s"}):`,
    ...lines.map((line) => `  - ${line}`),
  ].join("\n");
}

/** Runs the real program over a corpus file, as pulumi up would or as the offline render does. */
async function run(file: string, offline: boolean) {
  const config = readStackFile(file, undefined, path.join(DIR, file));
  const recorded = installMocks({ realKeys: false, project: config.project, stack: "bad" });
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  if (offline) process.env.OPENMETADATA_SSO_OFFLINE = "1";
  vi.resetModules();
  try {
    const error = await import("../index.js").then(
      () => undefined,
      (e: unknown) => e,
    );
    await settle();
    return { error, recorded };
  } finally {
    delete process.env.OPENMETADATA_SSO_OFFLINE;
  }
}

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
    const { error, recorded } = await run(file, false);
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(message(expected));
    expect(recorded).toEqual([]);
  });

  // A green render must mean pulumi up accepts the config: offline, only the lines about missing
  // credentials (which the render never has) may go, and nothing may be registered while any
  // other problem remains.
  it.each(FILES)("%s fails the offline render too, but for missing credentials", async (file) => {
    const expected = (parse(fs.readFileSync(path.join(DIR, file), "utf8")) as { expect: string[] })
      .expect;
    const offline = expected.filter((line) => !MISSING_SECRET_LINE.test(line));
    const { error, recorded } = await run(file, true);
    if (offline.length === 0) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect((error as Error).message).toBe(message(offline));
    expect(recorded).toEqual([]);
  });
});
