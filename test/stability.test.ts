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

/**
 * The URN the engine gives a registration: the types of its parents and its own, joined by `$`,
 * and its name: `urn:pulumi:<Stack>::<Project>::<Qualified$Type$Name>::<Name>` (pulumi/pulumi
 * sdk/go/common/resource/urn package documentation, v3.111.0 on pkg.go.dev; the root stack's type
 * is not part of it). The mock runtime's URN names only the nearest parent's type.
 */
function engineUrn(resources: RecordedResource[], resource: RecordedResource, stack: string) {
  const types: string[] = [resource.type];
  for (let parent = resource.parent; parent !== null;) {
    const above = resources.find((r) => r.name === parent && !r.custom)!;
    types.unshift(above.type);
    parent = above.parent;
  }
  return `urn:pulumi:${stack}::openmetadata-sso::${types.join("$")}::${resource.name}`;
}

describe("URNs a deployed Kubernetes stack holds", () => {
  // The namespace and the data marker are kept by a destroy: a new URN would make the engine
  // create them again, which fails on a kept object; the client at the provider, replaced, would
  // get a new client id. Their URNs are those the stacks had before the identity provider was
  // made to wait for the namespace and the marker (checked against that code, commit 70e2295).
  const URNS: Record<string, string[]> = {
    prod: [
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:ConfigMap::openmetadata-prod-k8s-data-marker",
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:Namespace::openmetadata-prod-k8s-namespace",
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:KubernetesDeployment$pulumi:providers:kubernetes::openmetadata-prod-k8s-provider",
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:OktaApp$okta:app/groupAssignment:GroupAssignment::openmetadata-prod-okta-group-00g1openmetadata",
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:OktaApp$okta:app/oAuth:OAuth::openmetadata-prod-okta-app",
      "urn:pulumi:prod::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:OktaApp::openmetadata-prod-okta",
    ],
    staging: [
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:Auth0App$auth0:index/client:Client::openmetadata-staging-auth0-client",
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:Auth0App$auth0:index/clientCredentials:ClientCredentials::openmetadata-staging-auth0-credentials",
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:Auth0App$auth0:index/connectionClient:ConnectionClient::openmetadata-staging-auth0-connection-Username-Password-Authentication",
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:Auth0App::openmetadata-staging-auth0",
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:KubernetesDeployment$kubernetes:core/v1:ConfigMap::openmetadata-staging-k8s-data-marker",
      "urn:pulumi:staging::openmetadata-sso::openmetadata-sso:index:OpenMetadataSso$openmetadata-sso:index:KubernetesDeployment$pulumi:providers:kubernetes::openmetadata-staging-k8s-provider",
    ],
  };

  it.each(Object.keys(URNS))(
    "%s keeps the URNs of its namespace, data marker, cluster provider and identity provider objects",
    async (stack) => {
      vi.resetModules();
      const { resources } = await evaluate(readStackFile(stack), stack, {
        realKeys: false,
        load: () => import("../index.js"),
      });
      const kept = resources.filter(
        (r) =>
          /-(namespace|data-marker|provider)$/.test(r.name) ||
          /^openmetadata-sso:index:(OktaApp|Auth0App)$/.test(r.type) ||
          /^(okta|auth0):/.test(r.type),
      );
      expect(kept.map((r) => engineUrn(resources, r, stack)).sort()).toEqual(URNS[stack]);
    },
  );
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
