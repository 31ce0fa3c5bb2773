import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  dynamicType,
  providerSource,
  serializedProviderFile,
} from "../components/identity/dynamic";
import { oneLoginProvider } from "../components/identity/onelogin";
import { isSecret, useMocks, valueOf } from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

describe("providerSource", () => {
  it("uses the text npm run build serialized, when it sits next to the module", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
    fs.writeFileSync(
      serializedProviderFile("onelogin", dir),
      JSON.stringify({ text: "exports.handler = prebuilt;" }),
    );
    expect(providerSource({ name: "onelogin", provider: oneLoginProvider }, dir)).toBe(
      "exports.handler = prebuilt;",
    );
  });

  it("serializes the provider as pulumi.dynamic.Resource does when there is no build", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-"));
    const source = providerSource({ name: "onelogin", provider: oneLoginProvider }, dir);
    expect(pulumi.Output.isInstance(source)).toBe(true);
    const text = await valueOf(source as pulumi.Output<string>);
    expect(text).toMatch(/^exports\.handler = /);
    const requireFromString = require("require-from-string") as (code: string) => {
      handler: () => typeof oneLoginProvider;
    };
    expect(Object.keys(requireFromString(text).handler()).sort()).toEqual([
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
    expect(await isSecret(source as pulumi.Output<string>)).toBe(false);
  });

  it("names dynamic resources as pulumi.dynamic.Resource would", () => {
    expect(dynamicType("OneLoginOidcApp")).toBe(
      "pulumi-nodejs:dynamic/openmetadata-sso:OneLoginOidcApp",
    );
  });
});
