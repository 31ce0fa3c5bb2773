/**
 * Stack files with YAML syntax errors: the offline harness that `npm run render` and
 * `npm run render:all` read stacks with names the file and the line the user must edit (1-based),
 * with its text. Each case is a real mistake run through the real `yaml` parser.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStackFile } from "../scripts/offline";

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "om-stack-file-"));
  fs.mkdirSync(path.join(root, "stacks"));
  fs.writeFileSync(path.join(root, "Pulumi.yaml"), "name: openmetadata-sso\nruntime: nodejs\n");
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** The error reading `stacks/Pulumi.staging.yaml` with these lines. */
function errorFor(...lines: string[]): string {
  fs.writeFileSync(path.join(root, "stacks", "Pulumi.staging.yaml"), `${lines.join("\n")}\n`);
  try {
    readStackFile("staging", root);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the stack file parsed");
}

describe("a stack file with a YAML syntax error", () => {
  it("points at a nested key indented one space too deep, not at the line above it", () => {
    expect(
      errorFor(
        "config:",
        "  openmetadata-sso:environment: staging",
        "  openmetadata-sso:identity:",
        "    provider: okta",
        "     clientType: public",
        "  openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 5: it is indented deeper than the key above it, so it reads as part of that key's value. Fix line 5:",
        "  5 |      clientType: public",
      ].join("\n"),
    );
  });

  it("points at a top-level key indented too deep, past blank lines and comments", () => {
    expect(
      errorFor(
        "config:",
        "  openmetadata-sso:environment: staging",
        "",
        "  # the target",
        "   openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 5: it is not indented like the other keys of its block. Fix line 5:",
        "  5 |    openmetadata-sso:target: docker",
      ].join("\n"),
    );
    expect(
      errorFor(
        "config:",
        "  openmetadata-sso:environment: staging",
        "",
        "   openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 4: it is indented deeper than the key above it, so it reads as part of that key's value. Fix line 4:",
        "  4 |    openmetadata-sso:target: docker",
      ].join("\n"),
    );
  });

  it("points at a key indented less than its siblings", () => {
    expect(
      errorFor(
        "config:",
        "  openmetadata-sso:identity:",
        "    provider: okta",
        "   clientType: public",
        "  openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 4: it is not indented like the other keys of its block. Fix line 4:",
        "  4 |    clientType: public",
      ].join("\n"),
    );
  });

  it("points at a list item out of line with the items above it", () => {
    expect(
      errorFor(
        "config:",
        "  openmetadata-sso:admins:",
        "    - alice@example.com",
        "   - bob@example.com",
        "  openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 4: this list item is not indented like the items above it. Fix line 4:",
        "  4 |    - bob@example.com",
      ].join("\n"),
    );
  });

  it("points at the line that opens a quote it never closes, not at the end of the file", () => {
    expect(
      errorFor(
        "config:",
        '  openmetadata-sso:publicUrl: "https://openmetadata.example.com',
        "  openmetadata-sso:target: docker",
      ),
    ).toBe(
      [
        "stacks/Pulumi.staging.yaml is not valid YAML: line 2: a quote opens here and never closes. Fix line 2:",
        '  2 |   openmetadata-sso:publicUrl: "https://openmetadata.example.com',
      ].join("\n"),
    );
  });

  it("reads a valid stack file as before", () => {
    fs.writeFileSync(
      path.join(root, "stacks", "Pulumi.staging.yaml"),
      "config:\n  openmetadata-sso:target: docker\n  openmetadata-sso:admins:\n    - alice@example.com\n",
    );
    expect(readStackFile("staging", root)).toEqual({
      project: "openmetadata-sso",
      values: {
        "openmetadata-sso:target": "docker",
        "openmetadata-sso:admins": '["alice@example.com"]',
      },
      secretKeys: [],
      encrypted: [],
    });
  });
});
