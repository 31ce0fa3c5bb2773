/**
 * A second `pulumi up` with no config change must change nothing: every stack evaluates to the same
 * resources with the same names, inputs and options twice, and no program code reads the clock or
 * a random source (generated material comes from @pulumi/random and @pulumi/tls only, whose state
 * the engine keeps).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
  evaluate,
  PROJECT_ROOT,
  readStackFile,
  stackNames,
  type RecordedResource,
} from "../scripts/offline";

async function snapshot(stack: string) {
  vi.resetModules();
  const { resources } = await evaluate(readStackFile(stack), stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
  return resources.map(({ type, name, parent, inputs, options }: RecordedResource) => ({
    type,
    name,
    parent,
    inputs,
    options,
  }));
}

describe.each(stackNames())("stack %s", (stack) => {
  it("evaluates to the same resources, inputs and options twice", async () => {
    const first = await snapshot(stack);
    const second = await snapshot(stack);
    expect(first.length).toBeGreaterThan(5);
    expect(second).toEqual(first);
    expect(new Set(first.map((r) => `${r.type}::${r.name}`)).size).toBe(first.length);
  });
});

/** Files whose clock use runs at deploy time inside a provider, never in the program's inputs. */
const DEPLOY_TIME_ONLY: Record<string, string> = {
  "components/checks/preflight.ts":
    "measures clock skew against the provider's Date header; the result gates the server but is never an input value",
  "components/checks/outside.ts":
    "counts a certificate's days left at deploy time; the result is a log line or a failed update, never an input value",
  "components/checks/doctor.ts":
    "runs only as the doctor command, after a deployment, never in a program: it counts a certificate's days left and checks --ca-file dates",
  "components/config/deployable.ts":
    "judges whether a provided TLS certificate is current; the result refuses the config but is never an input value",
  "components/config/schema.ts":
    "judges whether a trusted CA certificate has expired; the result refuses the config but is never an input value",
  "components/settings/truststore.ts":
    "reads the dates written in a certificate, not the clock; they appear only in validation messages",
};

describe("program code", () => {
  it("reads no clock and no random source", () => {
    const files: string[] = [path.join(PROJECT_ROOT, "index.ts")];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith(".ts")) files.push(file);
      }
    };
    walk(path.join(PROJECT_ROOT, "components"));
    const offenders: string[] = [];
    for (const file of files) {
      const relative = path.relative(PROJECT_ROOT, file);
      if (relative in DEPLOY_TIME_ONLY) continue;
      const source = fs.readFileSync(file, "utf8");
      for (const pattern of [
        /Date\.now\(/,
        /new Date\(/,
        /Math\.random\(/,
        /randomUUID\(/,
        /randomBytes\(/,
      ]) {
        if (pattern.test(source)) offenders.push(`${relative}: ${pattern.source}`);
      }
    }
    expect(files.length).toBeGreaterThan(10);
    expect(offenders).toEqual([]);
  });
});
