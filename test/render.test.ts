/**
 * The offline render contract (DESIGN.md), through the command people and other checks run:
 * `npm run render -- <stack> [--out <dir>] [--show-secrets]`, here for the embedded default
 * `local`. The command runs as a child process, as CI runs it; the Kubernetes stacks' files are
 * tested in helm-values.test.ts.
 */
import { execFile } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { RENDER_ONLY_NOTE } from "../scripts/render-values";

const ROOT = path.resolve(__dirname, "..");
/** What `npm run render` runs: the source check, then the built script. */
const LAUNCHER = path.join(ROOT, "scripts", "built.mjs");
const KEYS = "files/etc/openmetadata/jwtkeys";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run render -- <args>` as its script, in the project root. */
async function render(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [LAUNCHER, "render", ...args],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Every file under a directory, by path relative to it, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

const envOf = (text: string) => text.trimEnd().split("\n");

let out: string;
let hidden: Run;
let shown: Run;
let unknown: Run;
let again: Run;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), "om-render-"));
  [hidden, shown, unknown, again] = await Promise.all([
    render("local", "--out", path.join(out, "hidden")),
    render("local", "--out", path.join(out, "shown"), "--show-secrets"),
    render("staging-typo", "--out", path.join(out, "unknown")),
    render("local", "--out", path.join(out, "again"), "--show-secrets"),
  ]);
}, 120_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe("npm run render -- local", () => {
  const dir = () => path.join(out, "hidden", "local");
  const read = (file: string) => fs.readFileSync(path.join(dir(), file), "utf8");

  it("writes the contract's files, and no secret file, into <out>/<stack>/", () => {
    expect(hidden.code).toBe(0);
    expect(tree(dir())).toEqual([
      `${KEYS}/public_key.der`,
      "openmetadata.env",
      "openmetadata.yaml",
      "resources.json",
    ]);
    const count = (JSON.parse(read("resources.json")) as unknown[]).length;
    expect(hidden.stdout.split("\n")).toEqual([
      "info: [runtime] Preflight check skipped: the local Keycloak is created by this deployment, so its discovery document cannot be read before it; the verification after deployment checks the running server.",
      `rendered local: ${count} resources, 4 files in ${path.relative(ROOT, dir())}`,
      RENDER_ONLY_NOTE,
      "",
    ]);
  });

  it("lists every resource as type, name, parent and inputs, in registration order", () => {
    const resources = JSON.parse(read("resources.json")) as Record<string, unknown>[];
    expect(resources.every((r) => Object.keys(r).join() === "type,name,parent,inputs")).toBe(true);
    expect(resources[0]).toMatchObject({
      type: "openmetadata-sso:index:OpenMetadataSso",
      name: "openmetadata-local",
      parent: null,
    });
    // Children come after their parents.
    const seen = new Set<unknown>();
    for (const resource of resources) {
      if (resource.parent !== null)
        expect(seen.has(resource.parent), String(resource.name)).toBe(true);
      seen.add(resource.name);
    }
    expect(read("resources.json")).toContain('"[secret]"');
    expect(read("resources.json")).not.toContain("PRIVATE KEY");
  });

  it("writes the server env one NAME=value a line, sorted by name, secrets redacted", () => {
    const lines = envOf(read("openmetadata.env"));
    const names = lines.map((line) => line.slice(0, line.indexOf("=")));
    expect(lines.every((line) => /^[A-Z][A-Z0-9_]*=/.test(line))).toBe(true);
    expect(names).toEqual([...new Set(names)].sort());
    for (const secret of [
      "DB_USER_PASSWORD",
      "ELASTICSEARCH_PASSWORD",
      "FERNET_KEY",
      "OIDC_CLIENT_SECRET",
    ])
      expect(lines).toContain(`${secret}=[secret]`);
    expect(lines).toContain(
      `RSA_PRIVATE_KEY_FILE_PATH=/${KEYS.slice("files/".length)}/private_key.der`,
    );
    expect(lines).toContain(
      `RSA_PUBLIC_KEY_FILE_PATH=/${KEYS.slice("files/".length)}/public_key.der`,
    );
  });

  it("writes the three security blocks, with the env's values", () => {
    const yaml = parseYaml(read("openmetadata.yaml")) as Record<string, Record<string, unknown>>;
    expect(Object.keys(yaml)).toEqual([
      "authenticationConfiguration",
      "authorizerConfiguration",
      "jwtTokenConfiguration",
    ]);
    const env = Object.fromEntries(
      envOf(read("openmetadata.env")).map((line) => [
        line.slice(0, line.indexOf("=")),
        line.slice(line.indexOf("=") + 1),
      ]),
    );
    expect(yaml.jwtTokenConfiguration).toEqual({
      rsapublicKeyFilePath: env.RSA_PUBLIC_KEY_FILE_PATH,
      rsaprivateKeyFilePath: env.RSA_PRIVATE_KEY_FILE_PATH,
      jwtissuer: env.JWT_ISSUER,
      keyId: env.JWT_KEY_ID,
    });
    expect(
      (yaml.authenticationConfiguration.oidcConfiguration as Record<string, unknown>).secret,
    ).toBe("[secret]");
  });
});

describe("npm run render -- local --show-secrets", () => {
  const dir = () => path.join(out, "shown", "local");

  it("adds the private key, a PKCS#8 DER key whose public half is the SPKI DER file", () => {
    expect(shown.code).toBe(0);
    expect(tree(dir())).toEqual([
      `${KEYS}/private_key.der`,
      `${KEYS}/public_key.der`,
      "openmetadata.env",
      "openmetadata.yaml",
      "resources.json",
    ]);
    const privateKey = crypto.createPrivateKey({
      key: fs.readFileSync(path.join(dir(), KEYS, "private_key.der")),
      format: "der",
      type: "pkcs8",
    });
    const publicDer = fs.readFileSync(path.join(dir(), KEYS, "public_key.der"));
    expect(crypto.createPublicKey(privateKey).export({ type: "spki", format: "der" })).toEqual(
      publicDer,
    );
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it("shows the secrets the other render redacts, and differs from it nowhere else", () => {
    const redacted = envOf(
      fs.readFileSync(path.join(out, "hidden", "local", "openmetadata.env"), "utf8"),
    );
    const revealed = envOf(fs.readFileSync(path.join(dir(), "openmetadata.env"), "utf8"));
    expect(revealed.map((l) => l.split("=")[0])).toEqual(redacted.map((l) => l.split("=")[0]));
    const differing = redacted
      .map((line, i) => [line, revealed[i]])
      .filter(([a, b]) => a !== b)
      .map(([a]) => a);
    expect(differing.map((line) => line.split("=")[0])).toEqual([
      "DB_USER_PASSWORD",
      "ELASTICSEARCH_PASSWORD",
      "FERNET_KEY",
      "OIDC_CLIENT_SECRET",
    ]);
    // 32 bytes in base64, the format of OpenMetadata's shipped default.
    const fernet = revealed.find((l) => l.startsWith("FERNET_KEY="))!.slice("FERNET_KEY=".length);
    expect(fernet).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(fernet, "base64")).toHaveLength(32);
    expect(fs.readFileSync(path.join(dir(), "resources.json"), "utf8")).not.toContain('"[secret]"');
  });
});

describe("npm run render, twice", () => {
  it("writes the same bytes into every file, files/ and the private key included", () => {
    expect(again.code).toBe(0);
    const first = path.join(out, "shown", "local");
    const second = path.join(out, "again", "local");
    expect(tree(second)).toEqual(tree(first));
    expect(tree(second)).toContain(`${KEYS}/private_key.der`);
    for (const file of tree(first)) {
      expect(fs.readFileSync(path.join(second, file)), file).toEqual(
        fs.readFileSync(path.join(first, file)),
      );
    }
  });
});

describe("npm run render with a stack that does not exist", () => {
  it("exits 1, names the known stacks and writes nothing", () => {
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      'render of stack "staging-typo" failed:\nNo stack file stacks/Pulumi.staging-typo.yaml. Known stacks: dev, local, onelogin, prod, staging\n',
    );
    expect(fs.existsSync(path.join(out, "unknown"))).toBe(false);
  });
});
