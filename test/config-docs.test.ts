/**
 * docs/config.md is generated from the zod schema and the TSDoc (scripts/gen-config-docs.ts). These
 * tests regenerate it in memory: they fail when the committed file is stale, when a schema key has
 * no description, or when a TSDoc `@default` contradicts the schema.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { configSchemas, PROVIDER_VALUES, SECRET_KEYS } from "../components/config";
import { generateConfigDocs, OUTPUT, readTsDoc, type TsDoc } from "../scripts/gen-config-docs";

const docs = generateConfigDocs();

/** Every key of the config schema, found independently of the generator. */
function schemaKeys(schema: z.ZodType, prefix: string): string[] {
  let inner = schema;
  for (;;) {
    const def = inner.def as { type: string; innerType?: z.ZodType };
    if (!["optional", "default", "prefault", "nullable"].includes(def.type)) break;
    inner = def.innerType!;
  }
  const def = inner.def as { type: string; shape?: Record<string, z.ZodType> };
  const children =
    def.type === "object"
      ? Object.entries(def.shape!).flatMap(([key, child]) => schemaKeys(child, `${prefix}.${key}`))
      : [];
  return [prefix, ...children];
}

/** A copy of the TSDoc with one property changed. */
function withProperty(
  tsdoc: TsDoc,
  iface: string,
  property: string,
  change: { description?: string; default?: string },
): TsDoc {
  const interfaces = new Map(tsdoc.interfaces);
  const properties = new Map(interfaces.get(iface));
  properties.set(property, { ...properties.get(property)!, ...change });
  interfaces.set(iface, properties);
  return { ...tsdoc, interfaces };
}

describe("docs/config.md", () => {
  it("is what `npm run docs:config` generates now", () => {
    const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, "utf8") : "";
    expect(committed === docs.markdown, "docs/config.md is stale: run `npm run docs:config`").toBe(
      true,
    );
  });

  it("has no undocumented key and no TSDoc default that contradicts the schema", () => {
    expect(docs.problems).toEqual([]);
  });

  it("documents every key of the schema, every secret key and every provider value, in order", () => {
    const expected = Object.entries(configSchemas).flatMap(([key, schema]) =>
      schemaKeys(schema as z.ZodType, `openmetadata-sso:${key}`),
    );
    expect(docs.settings.map((row) => row.key)).toEqual(expected);
    expect(expected).toHaveLength(98);
    expect(docs.secrets.map((row) => row.key)).toEqual(SECRET_KEYS.map((entry) => entry.key));
    expect(docs.providerValues.map((row) => row.key)).toEqual(
      PROVIDER_VALUES.map((entry) => entry.key),
    );
    for (const row of [...docs.settings, ...docs.secrets, ...docs.providerValues]) {
      expect(row.description, row.key).toMatch(/\S/);
      expect(docs.markdown).toContain(`| \`${row.key}\` |`);
    }
  });

  it("takes type, bounds and default from the schema and the description from TSDoc", () => {
    const row = (key: string) => docs.settings.find((r) => r.key === `openmetadata-sso:${key}`);
    expect(row("identity.localKeycloak.port")).toEqual({
      key: "openmetadata-sso:identity.localKeycloak.port",
      type: "integer from 1 to 65535",
      default: "`8081`",
      secret: false,
      description:
        "Host port Keycloak listens on; the browser reaches it at `http://localhost:<port>`.",
    });
    expect(row("identity.oidc.issuer")).toEqual({
      key: "openmetadata-sso:identity.oidc.issuer",
      type: "non-empty string",
      default: "required",
      secret: false,
      description:
        "Issuer exactly as the provider's discovery document states it, with its trailing slash when it has one (Auth0, Authentik); it becomes the authority.",
    });
    expect(row("identity.oidc.providerName")?.type).toBe("non-empty string, at most 40 characters");
    expect(row("keys.rotation")?.type).toBe("string matching `/^[A-Za-z0-9._-]{1,64}$/`");
    expect(row("admins")?.type).toBe("list of non-empty string, at least 1");
    expect(row("openmetadata.principalClaims")?.default).toBe(
      '`["email", "preferred_username", "sub"]`',
    );
    // A default the code derives is shown as the TSDoc states it.
    expect(row("principalDomain")?.default).toBe("the domain of the first admin");
    expect(row("target")).toEqual({
      key: "openmetadata-sso:target",
      type: "one of `docker`, `kubernetes`",
      default: "required",
      secret: false,
      description:
        "Where OpenMetadata runs.<br>`docker`: A single Docker host, driven by `@pulumi/docker`.<br>`kubernetes`: A Kubernetes cluster, through the official OpenMetadata Helm chart.",
    });
  });

  it("describes secrets by the argument they fill, marked secret", () => {
    expect(docs.secrets[0]).toEqual({
      key: "openmetadata-sso:clientSecret",
      path: "identity.oidc.clientSecret",
      type: "string",
      default: "required for an existing confidential client",
      secret: true,
      description:
        "Secret of an existing confidential client. The stack program fills it from the `clientSecret` secret.",
    });
    expect(docs.providerValues[0]).toEqual({
      key: "auth0:domain",
      env: "AUTH0_DOMAIN",
      path: "identity.auth0.domain",
      type: "string",
      default:
        "required with `identity.provider: auth0`, or the environment variable `AUTH0_DOMAIN`",
      secret: false,
      description:
        "Tenant domain, e.g. `acme.eu.auth0.com`. The stack program fills it from `auth0:domain`.",
    });
  });

  it("reports a key whose TSDoc is missing, naming where to add it", () => {
    const tsdoc = withProperty(readTsDoc(), "IdentityArgs", "provider", { description: "" });
    expect(generateConfigDocs(tsdoc).problems).toEqual([
      "openmetadata-sso:identity.provider: no description; add TSDoc to IdentityArgs.provider (components/types.ts)",
    ]);
  });

  it("reports a TSDoc @default that contradicts the schema", () => {
    const tsdoc = withProperty(readTsDoc(), "LocalKeycloakArgs", "port", { default: "8080" });
    expect(generateConfigDocs(tsdoc).problems).toEqual([
      "openmetadata-sso:identity.localKeycloak.port: TSDoc @default 8080 (LocalKeycloakArgs.port (components/types.ts)) contradicts the schema default 8081",
    ]);
  });
});
