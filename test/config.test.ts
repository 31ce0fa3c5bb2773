import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  ConfigValidationError,
  readStackConfig,
  validateArgs,
  type RawConfig,
} from "../components/config";
import { IssueCollector, configNamer } from "../components/config/messages";
import { check, guarded } from "../components/config/rules";
import type { OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { editDistance } from "../components/suggest";
import { masked, proxyUrlProblem, urlProblem } from "../components/urls";
import { localStackArgs } from "./support/args";

const NS = "openmetadata-sso";
/** What the first line of a value that did not parse ends with, when a rule needed it. */
const SKIPPED = " (the checks that depend on it were skipped; they run once it is fixed)";

/** Raw config as the CLI passes it: `ns:key` → text, objects as JSON. */
function raw(values: Record<string, unknown>, secrets: string[] = []): RawConfig {
  const qualify = (key: string) => (key.includes(":") ? key : `${NS}:${key}`);
  return {
    values: Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [
          qualify(key),
          typeof value === "string" ? value : JSON.stringify(value),
        ]),
    ),
    secretKeys: new Set(secrets.map(qualify)),
  };
}

/** The messages a config produces, or [] when it is valid. */
function problems(
  values: Record<string, unknown>,
  secrets: string[] = [],
  env: Record<string, string> = {},
): string[] {
  try {
    readStackConfig(raw(values, secrets), { env });
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues.map((issue) => issue.message);
    throw error;
  }
}

const local: Record<string, unknown> = { ...localStackArgs() };
const okta = {
  publicUrl: "https://om.example.com",
  target: "kubernetes",
  admins: ["alice@example.com"],
  identity: { provider: "okta" },
  kubernetes: {},
  "okta:orgName": "acme",
  "okta:apiToken": "token",
};
const oktaSecrets = ["okta:apiToken"];
const oidc = (extra: Record<string, unknown> = {}) => ({
  ...okta,
  identity: {
    provider: "oidc",
    oidc: { issuer: "https://idp.example.com", clientId: "openmetadata", ...extra },
  },
});

describe("readStackConfig", () => {
  it("accepts the local stack and the production Okta stack", () => {
    expect(problems(local)).toEqual([]);
    expect(problems(okta, oktaSecrets)).toEqual([]);
  });

  it("accepts external database parameters and a shared storage class for Airflow, and passes them on", () => {
    const { args } = readStackConfig(
      raw(
        {
          ...okta,
          openmetadata: { ingestion: true },
          kubernetes: { storageClass: "gp3", sharedStorageClass: "efs" },
        },
        oktaSecrets,
      ),
      { env: {} },
    );
    expect([args.kubernetes!.storageClass, args.kubernetes!.sharedStorageClass]).toEqual([
      "gp3",
      "efs",
    ]);
    const external = readStackConfig(
      raw(
        {
          ...okta,
          kubernetes: {
            dependencies: "external",
            database: {
              host: "mysql.example.internal",
              params: "sslMode=REQUIRED&serverTimezone=UTC",
            },
            search: { host: "opensearch.example.internal" },
          },
          databasePassword: "database-password-1",
        },
        [...oktaSecrets, "databasePassword"],
      ),
      { env: {} },
    );
    expect(validateArgs(external.args).kubernetes!.database!.params).toBe(
      "sslMode=REQUIRED&serverTimezone=UTC",
    );
  });

  it("never echoes a private key pasted as the TLS certificate, and says where the key goes", () => {
    const key =
      "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";
    const tls = (certificate: string) => ({
      ...local,
      environment: "staging",
      publicUrl: "https://openmetadata.example.com",
      identity: { provider: "oidc", oidc: { issuer: "https://idp.example.com", clientId: "om" } },
      clientSecret: "s3cret-value",
      docker: { tls: { mode: "provided", certificate } },
      tlsPrivateKey: "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n",
    });
    const hidden = [
      "openmetadata-sso:docker.tls.certificate: must be a PEM certificate chain; got a private key (value hidden). Store the key as a secret instead (pulumi config set --secret openmetadata-sso:tlsPrivateKey <value>) and set this to the certificate chain",
    ];
    expect(problems(tls(key), ["tlsPrivateKey", "clientSecret"])).toEqual(hidden);
    const rsa = key.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY");
    expect(problems(tls(rsa), ["tlsPrivateKey", "clientSecret"])).toEqual(hidden);
    expect(problems(tls("not a certificate"), ["tlsPrivateKey", "clientSecret"])).toEqual([
      'openmetadata-sso:docker.tls.certificate: must be a PEM certificate chain; got "not a certificate"',
    ]);
  });

  it("takes a rotation label set with --path as a number (2027) as its digits", () => {
    const { args } = readStackConfig(raw({ ...local, keys: { rotation: 2027 } }), { env: {} });
    expect(args.keys).toEqual({ bits: 2048, rotation: "2027" });
    expect(validateArgs(args).keys.rotation).toBe("2027");
    expect(problems({ ...local, keys: { rotation: 20.5 } })).toEqual([
      "openmetadata-sso:keys.rotation: must be a string matching /^[A-Za-z0-9._-]{1,64}$/; got 20.5",
    ]);
  });

  describe("identity.entra", () => {
    const GROUP = "0a1b2c3d-1111-4222-8333-444455556666";
    const entra = (block: Record<string, unknown>, clientType = "confidential") => ({
      publicUrl: "https://om.example.com",
      target: "kubernetes",
      admins: ["alice@example.com"],
      kubernetes: {},
      identity: { provider: "entra", clientType, entra: block },
      "azuread:tenantId": "11111111-2222-3333-4444-555555555555",
    });

    it("accepts groups, a rotation label and an end date, and passes them on", () => {
      const block = {
        groupIds: [GROUP],
        secretRotation: "2026-06",
        secretEndDate: "2027-06-30T00:00:00+02:00",
      };
      expect(problems(entra(block))).toEqual([]);
      const { args } = readStackConfig(raw(entra(block)), { env: {} });
      expect(validateArgs(args).identity.entra).toEqual({
        tenantId: "11111111-2222-3333-4444-555555555555",
        signInAudience: "AzureADMyOrg",
        ...block,
      });
      const defaults = validateArgs(readStackConfig(raw(entra({})), { env: {} }).args);
      expect(defaults.identity.entra).toEqual({
        tenantId: "11111111-2222-3333-4444-555555555555",
        signInAudience: "AzureADMyOrg",
        groupIds: [],
        secretRotation: "initial",
      });
    });

    it("takes a secret rotation label set with --path as a number as its digits", () => {
      const { args } = readStackConfig(raw(entra({ secretRotation: 2027 })), { env: {} });
      expect(validateArgs(args).identity.entra?.secretRotation).toBe("2027");
      expect(problems(entra({ secretRotation: "2027 june" }))).toEqual([
        'openmetadata-sso:identity.entra.secretRotation: must be a string matching /^[A-Za-z0-9._-]{1,64}$/; got "2027 june"',
      ]);
    });

    it("refuses the multi-tenant audiences, since the authority and issuer are the tenant's", () => {
      expect(problems(entra({ signInAudience: "AzureADMyOrg" }))).toEqual([]);
      for (const audience of ["AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount"]) {
        expect(problems(entra({ signInAudience: audience }))).toEqual([
          `openmetadata-sso:identity.entra.signInAudience: must be "AzureADMyOrg"; got "${audience}". OpenMetadata's authority and issuer are the tenant's (https://login.microsoftonline.com/<tenantId>/v2.0), so users of other tenants and personal Microsoft accounts could never sign in. Remove it: pulumi config rm --path openmetadata-sso:identity.entra.signInAudience`,
        ]);
      }
    });

    it("refuses group ids that are not object ids, and a group listed twice", () => {
      expect(
        problems(entra({ groupIds: [GROUP, "OpenMetadata Admins", GROUP.toUpperCase()] })),
      ).toEqual([
        'openmetadata-sso:identity.entra.groupIds[1]: must be a group\'s object id, a GUID like "00000000-0000-0000-0000-000000000000"; got "OpenMetadata Admins". Find it under Groups in the Microsoft Entra admin center, or with: az ad group show --group <name> --query id --output tsv',
        `openmetadata-sso:identity.entra.groupIds[2]: repeats identity.entra.groupIds[0] ("${GROUP.toUpperCase()}"); list each group once`,
      ]);
    });

    it("refuses an end date that is not an RFC 3339 timestamp of a real day", () => {
      for (const date of [
        "2027-06-30T00:00:00.5Z",
        "2027-06-30t23:59:59-05:00",
        "2028-02-29T00:00:00Z",
      ]) {
        expect(problems(entra({ secretEndDate: date })), date).toEqual([]);
      }
      for (const date of [
        "2027-06-30",
        "2027-02-30T00:00:00Z",
        "2027-02-29T00:00:00Z",
        "2027-13-01T00:00:00Z",
        "2027-06-30T24:00:00Z",
        "2027-06-30T00:00:00",
      ]) {
        expect(problems(entra({ secretEndDate: date })), date).toEqual([
          `openmetadata-sso:identity.entra.secretEndDate: must be an RFC 3339 timestamp with a time zone, like "2027-06-30T00:00:00Z"; got "${date}"`,
        ]);
      }
    });

    it("refuses a secret rotation or end date for a public client, which has no secret", () => {
      expect(problems(entra({ secretRotation: "initial" }, "public"))).toEqual([]);
      expect(
        problems(
          entra({ secretRotation: "2026-06", secretEndDate: "2027-06-30T00:00:00Z" }, "public"),
        ),
      ).toEqual([
        'openmetadata-sso:identity.entra.secretRotation: must not be set for a public client, which has no client secret to rotate; got "2026-06". Remove it: pulumi config rm --path openmetadata-sso:identity.entra.secretRotation, or set identity.clientType to "confidential"',
        'openmetadata-sso:identity.entra.secretEndDate: must not be set for a public client, which has no client secret to expire; got "2027-06-30T00:00:00Z". Remove it: pulumi config rm --path openmetadata-sso:identity.entra.secretEndDate, or set identity.clientType to "confidential"',
      ]);
    });

    it("names the argument keys for the component", () => {
      const { args } = readStackConfig(raw(entra({})), { env: {} });
      const bad = {
        ...args,
        identity: {
          ...args.identity,
          entra: {
            ...args.identity.entra!,
            signInAudience: "AzureADMultipleOrgs",
            groupIds: ["x"],
          },
        },
      };
      expect(() => validateArgs(bad)).toThrow(
        'args.identity.entra.signInAudience: must be "AzureADMyOrg"; got "AzureADMultipleOrgs". OpenMetadata\'s authority and issuer are the tenant\'s (https://login.microsoftonline.com/<tenantId>/v2.0), so users of other tenants and personal Microsoft accounts could never sign in. Remove it: remove args.identity.entra.signInAudience',
      );
      expect(() => validateArgs(bad)).toThrow(
        "args.identity.entra.groupIds[0]: must be a group's object id",
      );
    });
  });

  it("accepts an egress proxy and passes it on, with no further noProxy hosts by default", () => {
    const egressProxy = {
      url: "http://proxy.corp.example.com:3128",
      noProxy: ["*.corp.example.com", "10.*", "idp.internal", "IDP_2.internal"],
    };
    const { args } = readStackConfig(raw({ ...okta, openmetadata: { egressProxy } }, oktaSecrets), {
      env: {},
    });
    expect(validateArgs(args).openmetadata.egressProxy).toEqual(egressProxy);
    const bare = { ...local, openmetadata: { egressProxy: { url: "http://proxy:3128/" } } };
    expect(validateArgs(readStackConfig(raw(bare), { env: {} }).args).openmetadata).toMatchObject({
      egressProxy: { url: "http://proxy:3128/", noProxy: [] },
    });
  });

  it("accepts a local Keycloak pinned to 26 or later", () => {
    for (const version of ["26.0.0", "26.4.5", "27.1.10"]) {
      expect(
        problems({
          ...local,
          identity: { provider: "local-keycloak", localKeycloak: { version } },
        }),
      ).toEqual([]);
    }
  });

  it("accepts a generic issuer that ends in a slash, as Auth0 and Authentik state theirs", () => {
    for (const issuer of [
      "https://auth.example.com/application/o/om/",
      "https://acme.auth0.com/",
    ]) {
      expect(
        problems({ ...oidc({ issuer }), clientSecret: "s3cret" }, ["clientSecret", ...oktaSecrets]),
      ).toEqual([]);
    }
    const { args } = readStackConfig(
      raw({ ...oidc({ issuer: "https://acme.auth0.com/" }), clientSecret: "s3cret" }, [
        "clientSecret",
        ...oktaSecrets,
      ]),
      { env: {} },
    );
    expect(args.identity.oidc!.issuer).toBe("https://acme.auth0.com/");
  });

  // Each bad config, with the exact line a user sees.
  const table: [string, Record<string, unknown>, string[], string[]][] = [
    [
      "a misspelled top-level key",
      { ...local, identty: { provider: "okta" } },
      [],
      [
        "openmetadata-sso:identty: is not a known setting, so it would be ignored. Did you mean openmetadata-sso:identity?",
      ],
    ],
    [
      "a misspelled nested key (a transposition)",
      { ...local, identity: { provider: "local-keycloak", localKeycloak: { prot: 8081 } } },
      [],
      [
        "openmetadata-sso:identity.localKeycloak.prot: is not a known setting, so it would be ignored. Did you mean openmetadata-sso:identity.localKeycloak.port?",
      ],
    ],
    [
      "a wrong enum value",
      { ...local, target: "dokcer" },
      [],
      [
        'openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"? (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "a publicUrl with a trailing slash",
      { ...local, publicUrl: "http://localhost:8585/" },
      [],
      [
        'openmetadata-sso:publicUrl: must not end with a slash; got "http://localhost:8585/". Use "http://localhost:8585" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "a publicUrl with a path",
      { ...local, publicUrl: "http://localhost:8585/om" },
      [],
      [
        'openmetadata-sso:publicUrl: must be an origin without a path (OpenMetadata is served at the domain root); got "http://localhost:8585/om". Use "http://localhost:8585" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "a publicUrl with a query",
      { ...local, publicUrl: "http://localhost:8585?x=1" },
      [],
      [
        'openmetadata-sso:publicUrl: must not have a query string; got "http://localhost:8585?x=1". Use "http://localhost:8585" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "an issuer with a double slash",
      oidc({ issuer: "https://idp.example.com//realms/x" }),
      oktaSecrets,
      [
        'openmetadata-sso:identity.oidc.issuer: must not contain a double slash; got "https://idp.example.com//realms/x". Use "https://idp.example.com/realms/x"',
        "openmetadata-sso:clientSecret: is required for an existing confidential client. Set it: pulumi config set --secret openmetadata-sso:clientSecret <value>",
      ],
    ],
    [
      "a publicUrl and a Keycloak URL missing a slash after the scheme",
      {
        ...okta,
        publicUrl: "https:om.example.com",
        identity: { provider: "keycloak", keycloak: { realm: "data" } },
        "keycloak:url": "https:/kc.example.com",
        "keycloak:clientId": "admin-cli",
        "keycloak:clientSecret": "s3cret",
      },
      ["keycloak:clientSecret", ...oktaSecrets],
      [
        'openmetadata-sso:publicUrl: must have exactly two slashes after the scheme, as in "https://"; got "https:om.example.com". Use "https://om.example.com" (the checks that depend on it were skipped; they run once it is fixed)',
        'keycloak:url: must have exactly two slashes after the scheme, as in "https://"; got "https:/kc.example.com". Use "https://kc.example.com"',
      ],
    ],
    [
      "http in production",
      { ...okta, publicUrl: "http://om.example.com" },
      oktaSecrets,
      [
        'openmetadata-sso:publicUrl: must use https outside a local stack; got "http://om.example.com". Use "https://om.example.com", or set environment to "local" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "a public client given a secret",
      {
        ...okta,
        identity: {
          provider: "oidc",
          clientType: "public",
          oidc: { issuer: "https://idp.example.com", clientId: "c" },
        },
        clientSecret: "s3cret-value",
      },
      ["clientSecret", ...oktaSecrets],
      [
        'openmetadata-sso:identity.clientType: must be "confidential" with identity.provider oidc; got "public". OpenMetadata 1.12 and 1.13 run public custom-oidc clients through the implicit flow (response_type=id_token), which this package never enables. Public clients work with okta, auth0 and entra',
        'openmetadata-sso:clientSecret: must not be set for a public client: a public client has no secret, and OpenMetadata would be configured inconsistently. Remove it: pulumi config rm openmetadata-sso:clientSecret, or set identity.clientType to "confidential"',
      ],
    ],
    [
      "a client secret for a provider that creates its own client",
      { ...okta, clientSecret: "s3cret-value" },
      ["clientSecret", ...oktaSecrets],
      [
        "openmetadata-sso:clientSecret: is only used with identity.provider oidc (an existing client or a registration); got provider okta, which creates its own client. Remove it: pulumi config rm openmetadata-sso:clientSecret",
      ],
    ],
    [
      "a secret given in plain config",
      { ...oidc(), clientSecret: "s3cret-value" },
      oktaSecrets,
      [
        "openmetadata-sso:clientSecret: is stored in plain text (value hidden); it must be a secret. Run: pulumi config set --secret openmetadata-sso:clientSecret <value>",
      ],
    ],
    [
      "a secret nested in an object",
      oidc({ clientSecret: "s3cret-value" }),
      oktaSecrets,
      [
        "openmetadata-sso:identity.oidc.clientSecret: is a secret and has its own key; it must not sit in plain config. Remove it and run: pulumi config set --secret openmetadata-sso:clientSecret <value> (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "an admin outside the principal domain",
      { ...local, admins: ["demo@example.com", "bob@other.org"] },
      [],
      [
        'openmetadata-sso:admins[1]: must be in the principal domain "example.com" (from the first admin); got "bob@other.org". OpenMetadata admits one principal domain, so this admin could never log in',
      ],
    ],
    [
      "malformed admins, each reported once, before the principal-domain rule",
      {
        ...local,
        principalDomain: "example.com",
        admins: ["demo@example.com", "admin@", "@example.com", "admin", "bob@other.org"],
      },
      [],
      [
        'openmetadata-sso:admins[1]: must be an email address; got "admin@", which has no domain after "@". Use an address like "admin@example.com"',
        'openmetadata-sso:admins[2]: must be an email address; got "@example.com", which has no name before "@". Use an address like "admin@example.com"',
        'openmetadata-sso:admins[3]: must be an email address; got "admin", which has no "@". Use an address like "admin@example.com"',
        'openmetadata-sso:admins[4]: must be in the principal domain "example.com" (from principalDomain); got "bob@other.org". OpenMetadata admits one principal domain, so this admin could never log in',
      ],
    ],
    [
      "a malformed only admin, with no domain to check against and no demo user rule",
      { ...local, principalDomain: "example.com", admins: ["@example.com"] },
      [],
      [
        'openmetadata-sso:admins[0]: must be an email address; got "@example.com", which has no name before "@". Use an address like "admin@example.com"',
      ],
    ],
    [
      "a malformed first admin, whose fix takes the domain of the next",
      { ...okta, admins: ["alice", "bob@corp.example.org"] },
      oktaSecrets,
      [
        'openmetadata-sso:admins[0]: must be an email address; got "alice", which has no "@". Use an address like "alice@corp.example.org"',
      ],
    ],
    [
      "admins with a host that is not a domain name, or a character no address holds",
      {
        ...local,
        principalDomain: "example.com",
        admins: ["demo@example.com", "x@y", "a b@example.com"],
      },
      [],
      [
        'openmetadata-sso:admins[1]: must be an email address; got "x@y", which has "y" after "@", not a domain name such as "example.com". Use an address like "x@example.com"',
        'openmetadata-sso:admins[2]: must be an email address; got "a b@example.com", which has a character before "@" that an address cannot hold. Use an address like "admin@example.com"',
      ],
    ],
    [
      "image overrides that are not pinned",
      {
        ...local,
        docker: {
          images: {
            database: "mysql:latest",
            search: "registry.example.com:5000/opensearch",
            proxy: "nginx@sha256:1234",
            verifier: `node:22.12.0-alpine3.21@sha256:${"a".repeat(64)}`,
          },
        },
      },
      [],
      [
        'openmetadata-sso:docker.images.database: must be pinned to a version tag or a digest; got "mysql:latest", whose tag moves to each new release. Pin it: "mysql:<version>" or "mysql@sha256:<digest>" (the checks that depend on it were skipped; they run once it is fixed)',
        'openmetadata-sso:docker.images.search: must be pinned to a version tag or a digest; got "registry.example.com:5000/opensearch", which has no tag, so Docker pulls "latest". Pin it: "registry.example.com:5000/opensearch:<version>" or "registry.example.com:5000/opensearch@sha256:<digest>" (the checks that depend on it were skipped; they run once it is fixed)',
        'openmetadata-sso:docker.images.proxy: must be pinned to a version tag or a digest; got "nginx@sha256:1234", whose digest is not "sha256:" and 64 hex digits. Pin it: "nginx:<version>" or "nginx@sha256:<digest>"',
      ],
    ],
    [
      "an unpinned image beside another problem in the docker block, both reported",
      { ...local, docker: { database: "postgres", images: { database: "postgres:latest" } } },
      [],
      [
        'openmetadata-sso:docker.database: must be one of mysql, postgresql; got "postgres". Did you mean "postgresql"?',
        'openmetadata-sso:docker.images.database: must be pinned to a version tag or a digest; got "postgres:latest", whose tag moves to each new release. Pin it: "postgres:<version>" or "postgres@sha256:<digest>" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "several replicas without sticky sessions",
      { ...okta, openmetadata: { replicas: 3 } },
      oktaSecrets,
      [
        'openmetadata-sso:openmetadata.replicas: must be 1 unless the ingress has sticky sessions; got 3. Before OpenMetadata 2.0 each replica keeps its own login sessions, so logins fail with "Missing state parameter". Run: pulumi config set --path openmetadata-sso:kubernetes.ingress.stickySessions true',
      ],
    ],
    [
      "an unsupported OpenMetadata version",
      { ...local, openmetadata: { version: "1.4.0" } },
      [],
      [
        'openmetadata-sso:openmetadata.version: must be a supported OpenMetadata release (1.12.x or 1.13.x); got "1.4.0". Use "1.13.1" (the checks that depend on it were skipped; they run once it is fixed)',
      ],
    ],
    [
      "a missing provider credential",
      { ...okta, "okta:apiToken": undefined },
      [],
      [
        "okta:apiToken: is required by identity.provider okta (or okta:privateKey with okta:clientId). Run: pulumi config set --secret okta:apiToken <token> (or export OKTA_API_TOKEN)",
      ],
    ],
    [
      "a Kubernetes block on a Docker stack",
      { ...local, kubernetes: { namespace: "om" } },
      [],
      [
        "openmetadata-sso:kubernetes: is only allowed with target kubernetes; got target docker. Remove it: pulumi config rm openmetadata-sso:kubernetes",
      ],
    ],
    [
      "an absurd port",
      { ...local, docker: { httpPort: 70000 } },
      [],
      [
        "openmetadata-sso:docker.httpPort: must be an integer from 1 to 65535; got 70000 (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "a negative replica count",
      { ...local, openmetadata: { replicas: -1 } },
      [],
      [
        "openmetadata-sso:openmetadata.replicas: must be an integer from 1 to 20; got -1 (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "an absurd heap size",
      { ...local, openmetadata: { heapSize: "100T" } },
      [],
      [
        'openmetadata-sso:openmetadata.heapSize: must be a JVM heap from 512M to 64G, like "1G" or "1536M"; got "100T"',
      ],
    ],
    [
      "a weak key size",
      { ...local, keys: { bits: 1024 } },
      [],
      ["openmetadata-sso:keys.bits: must be one of 2048, 3072, 4096; got 1024"],
    ],
    [
      "a missing publicUrl",
      { ...local, publicUrl: undefined },
      [],
      [
        "openmetadata-sso:publicUrl: is required. Set it: pulumi config set openmetadata-sso:publicUrl https://openmetadata.example.com (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "a missing identity",
      { ...local, identity: undefined },
      [],
      [
        "openmetadata-sso:identity: is required. Set it: pulumi config set --path openmetadata-sso:identity.provider okta (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "a provider value typed into our config",
      { ...okta, identity: { provider: "auth0", auth0: { domain: "acme.auth0.com" } } },
      oktaSecrets,
      [
        "openmetadata-sso:identity.auth0.domain: comes from the provider's own config so it is typed once. Remove it and run: pulumi config set auth0:domain acme.eu.auth0.com (the checks that depend on it were skipped; they run once it is fixed)",
        "auth0:clientSecret: is required by identity.provider auth0, with auth0:clientId (or auth0:apiToken). Run: pulumi config set auth0:clientId <id> && pulumi config set --secret auth0:clientSecret <secret>",
      ],
    ],
    [
      "a public custom-oidc client",
      { ...local, identity: { provider: "local-keycloak", clientType: "public" } },
      [],
      [
        'openmetadata-sso:identity.clientType: must be "confidential" with identity.provider local-keycloak; got "public". OpenMetadata 1.12 and 1.13 run public custom-oidc clients through the implicit flow (response_type=id_token), which this package never enables. Public clients work with okta, auth0 and entra',
      ],
    ],
    [
      "two services on one host port",
      { ...local, docker: { adminPort: 8081 } },
      [],
      [
        "openmetadata-sso:identity.localKeycloak.port: must differ from openmetadata-sso:docker.adminPort; both are 8081",
      ],
    ],
    [
      "the local Keycloak on the default admin port, without a docker block",
      { ...local, identity: { provider: "local-keycloak", localKeycloak: { port: 8586 } } },
      [],
      [
        "openmetadata-sso:identity.localKeycloak.port: must differ from openmetadata-sso:docker.adminPort; both are 8586",
      ],
    ],
    [
      "the local Keycloak on the port of publicUrl, without a docker block",
      {
        ...local,
        publicUrl: "http://localhost:9000",
        identity: { provider: "local-keycloak", localKeycloak: { port: 9000 } },
      },
      [],
      [
        "openmetadata-sso:identity.localKeycloak.port: must differ from openmetadata-sso:docker.httpPort; both are 9000",
      ],
    ],
    [
      "a docker block that does not parse, with no port clash read into its defaults",
      {
        ...local,
        identity: { provider: "local-keycloak", localKeycloak: { port: 8586 } },
        docker: { adminPort: 0 },
      },
      [],
      [
        "openmetadata-sso:docker.adminPort: must be an integer from 1 to 65535; got 0 (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "a generic issuer that ends in two slashes",
      {
        ...oidc({ issuer: "https://auth.example.com/application/o/om//" }),
        clientSecret: "s3cret",
      },
      ["clientSecret", ...oktaSecrets],
      [
        'openmetadata-sso:identity.oidc.issuer: must not contain a double slash; got "https://auth.example.com/application/o/om//". Use "https://auth.example.com/application/o/om/"',
      ],
    ],
    [
      "a discovery URL that ends in a slash (only the issuer may)",
      {
        ...oidc({ discoveryUrl: "https://idp.example.com/.well-known/openid-configuration/" }),
        clientSecret: "s3cret",
      },
      ["clientSecret", ...oktaSecrets],
      [
        'openmetadata-sso:identity.oidc.discoveryUrl: must not end with a slash; got "https://idp.example.com/.well-known/openid-configuration/". Use "https://idp.example.com/.well-known/openid-configuration"',
      ],
    ],
    [
      "a local Keycloak version that is not pinned",
      { ...local, identity: { provider: "local-keycloak", localKeycloak: { version: "latest" } } },
      [],
      [
        'openmetadata-sso:identity.localKeycloak.version: must be a pinned Keycloak release 26.x.y or later (three numbers, like "26.4.5"); got "latest", which is not a pinned release, so the container could change under the stack. Use "26.4.5"',
      ],
    ],
    [
      "a local Keycloak version with only a major and a minor",
      { ...local, identity: { provider: "local-keycloak", localKeycloak: { version: "26.4" } } },
      [],
      [
        'openmetadata-sso:identity.localKeycloak.version: must be a pinned Keycloak release 26.x.y or later (three numbers, like "26.4.5"); got "26.4", which is not a pinned release, so the container could change under the stack. Use "26.4.5"',
      ],
    ],
    [
      "a local Keycloak before 26",
      { ...local, identity: { provider: "local-keycloak", localKeycloak: { version: "24.0.5" } } },
      [],
      [
        'openmetadata-sso:identity.localKeycloak.version: must be a pinned Keycloak release 26.x.y or later (three numbers, like "26.4.5"); got "24.0.5": Keycloak before 26 does not read KC_BOOTSTRAP_ADMIN_* and KC_HOSTNAME_BACKCHANNEL_DYNAMIC, which the local Keycloak is configured with. Use "26.4.5"',
      ],
    ],
    [
      "the local Keycloak on Kubernetes",
      { ...okta, identity: { provider: "local-keycloak" } },
      oktaSecrets,
      [
        'openmetadata-sso:identity.provider: "local-keycloak" runs a Keycloak container on the Docker host, so it needs target docker; got target kubernetes',
      ],
    ],
    [
      "a principal claim without @ first",
      { ...local, openmetadata: { principalClaims: ["preferred_username", "email"] } },
      [],
      [
        'openmetadata-sso:openmetadata.principalClaims[0]: must be "email" or "upn": OpenMetadata takes the user\'s domain from the first claim present, and a claim without "@" fails the principal-domain check; got "preferred_username"',
      ],
    ],
    [
      "deleting production data with the stack",
      { ...okta, dataRetention: "delete" },
      oktaSecrets,
      [
        'openmetadata-sso:dataRetention: must be "retain" in a production stack; got "delete". Production data and signing keys are never deleted with the stack',
      ],
    ],
    [
      "admins given as one string",
      { ...local, admins: "demo@example.com" },
      [],
      [
        "openmetadata-sso:admins: must be a non-empty list, each item a non-empty string; got \"demo@example.com\". Set it as a list: pulumi config set --path 'openmetadata-sso:admins[0]' demo@example.com (the checks that depend on it were skipped; they run once it is fixed)",
      ],
    ],
    [
      "OneLogin without its API credentials",
      { ...okta, identity: { provider: "onelogin" } },
      oktaSecrets,
      [
        "onelogin:clientId: is required for the OneLogin API and must be a secret. Run: pulumi config set --secret onelogin:clientId <value>",
        "onelogin:clientSecret: is required for the OneLogin API and must be a secret. Run: pulumi config set --secret onelogin:clientSecret <value>",
        "onelogin:subdomain: is required for the OneLogin API and must be a secret. Run: pulumi config set --secret onelogin:subdomain <value>",
      ],
    ],
    [
      "external dependencies without endpoints",
      { ...okta, kubernetes: { dependencies: "external" } },
      oktaSecrets,
      [
        'openmetadata-sso:kubernetes.database.host: is required with dependencies "external". Set it: pulumi config set --path openmetadata-sso:kubernetes.database.host mysql.example.internal',
        'openmetadata-sso:kubernetes.search.host: is required with dependencies "external". Set it: pulumi config set --path openmetadata-sso:kubernetes.search.host opensearch.example.internal',
      ],
    ],
    [
      "external database parameters with a leading ? and a space",
      {
        ...okta,
        kubernetes: {
          dependencies: "external",
          database: {
            host: "mysql.example.internal",
            params: "?sslMode=REQUIRED& serverTimezone=UTC",
          },
          search: { host: "opensearch.example.internal" },
        },
        databasePassword: "database-password-1",
      },
      [...oktaSecrets, "databasePassword"],
      [
        'openmetadata-sso:kubernetes.database.params: must be JDBC parameters as a URL query string: key=value pairs joined by "&", without a leading "?"; got "?sslMode=REQUIRED& serverTimezone=UTC", which starts with "?" (the server puts its own before the parameters) and contains whitespace. Use "sslMode=REQUIRED&serverTimezone=UTC"',
      ],
    ],
    [
      "a shared storage class without ingestion",
      { ...okta, kubernetes: { storageClass: "gp3", sharedStorageClass: "efs" } },
      oktaSecrets,
      [
        "openmetadata-sso:kubernetes.sharedStorageClass: is only used with openmetadata.ingestion true, for Airflow's DAGs and logs volumes; got openmetadata.ingestion false. Remove it: pulumi config rm --path openmetadata-sso:kubernetes.sharedStorageClass",
      ],
    ],
    [
      "external database parameters with an empty pair and a bare flag",
      {
        ...okta,
        kubernetes: {
          dependencies: "external",
          database: { host: "mysql.example.internal", params: "useSSL&&serverTimezone=UTC" },
          search: { host: "opensearch.example.internal" },
        },
        databasePassword: "database-password-1",
      },
      [...oktaSecrets, "databasePassword"],
      [
        'openmetadata-sso:kubernetes.database.params: must be JDBC parameters as a URL query string: key=value pairs joined by "&", without a leading "?"; got "useSSL&&serverTimezone=UTC", which has an empty pair (a stray "&") and has "useSSL", not a key=value pair. Use "sslMode=REQUIRED&serverTimezone=UTC"',
      ],
    ],
    [
      "an egress proxy URL with https, credentials, a path and a query",
      {
        ...local,
        openmetadata: { egressProxy: { url: "https://user:pw@proxy.corp:3128/path?x=1" } },
      },
      [],
      [
        'openmetadata-sso:openmetadata.egressProxy.url: must use http: the JVM speaks plain HTTP to its proxy, with a CONNECT request for https sites, and cannot open TLS to it, and must not contain credentials: the JVM\'s proxy settings carry none, so the proxy must admit the server without them, and must not have a path, and must not have a query string; got "https://***@proxy.corp:3128/path?x=1". Use "http://proxy.corp:3128"',
      ],
    ],
    [
      "an egress proxy written as host:port, and NO_PROXY-style noProxy entries",
      {
        ...okta,
        openmetadata: {
          egressProxy: {
            url: "proxy.corp:3128",
            noProxy: [
              ".corp.example.com",
              "10.0.0.0/8",
              "idp.internal:8443",
              "https://idp.example.com/realms/x",
              "*",
              "a.example.com,b.example.com",
              "*corp*",
              "",
            ],
          },
        },
      },
      oktaSecrets,
      [
        'openmetadata-sso:openmetadata.egressProxy.url: must be an absolute http URL of a proxy, like "http://proxy.example.com:3128"; got "proxy.corp:3128". Use "http://proxy.corp:3128"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[0]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got ".corp.example.com", which starts with "." as NO_PROXY does: the JVM would compare it literally. Use "*.corp.example.com"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[1]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "10.0.0.0/8", which is a CIDR range: the JVM matches text, not addresses. Use "10.*"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[2]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "idp.internal:8443", which has a port: the JVM compares host names only. Use "idp.internal"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[3]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "https://idp.example.com/realms/x", which is a URL: the JVM compares host names only. Use "idp.example.com"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[4]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "*", which would send no request through the proxy. Remove egressProxy instead',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[5]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "a.example.com,b.example.com", which holds several entries: give each its own list item',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[6]: must be a host name or an IP address, with at most one "*" at its start or its end, as Java\'s http.nonProxyHosts reads them; got "*corp*", which has "*" other than once at its start or its end, the forms Java documents for http.nonProxyHosts. Use "*.corp.example.com"',
        'openmetadata-sso:openmetadata.egressProxy.noProxy[7]: must be a non-empty string; got ""',
      ],
    ],
    [
      "an egress proxy without its url",
      { ...local, openmetadata: { egressProxy: { noProxy: ["*.corp.example.com"] } } },
      [],
      [
        "openmetadata-sso:openmetadata.egressProxy.url: is required. Set it: pulumi config set --path openmetadata-sso:openmetadata.egressProxy.url http://proxy.example.com:3128",
      ],
    ],
  ];

  it.each(table)("reports %s", (_label, values, secrets, expected) => {
    expect(problems(values, secrets)).toEqual(expected);
  });

  it("reports a key in a near miss of a known namespace, and leaves other namespaces alone", () => {
    expect(
      problems(
        {
          ...okta,
          "openmetadata-sos:publicUrl": "https://om.example.com",
          "oktaa:orgName": "acme",
          "keycloak:urll": "https://kc.example.com",
          "kubernetes:contxt": "prod",
          "kuberentes:context": "prod",
          "Auth0:domain": "acme.eu.auth0.com",
          "openmetadata:admins": '["alice@example.com"]',
          "aws:region": "eu-west-1",
          "azure:location": "westeurope",
          "pulumi:template": "openmetadata-sso",
          "docker-build:host": "unix:///var/run/docker.sock",
        },
        oktaSecrets,
      ),
    ).toEqual([
      'Auth0:domain: is in the unknown namespace "Auth0", so it would be ignored. Did you mean auth0:domain?',
      "keycloak:urll: is not a setting of the keycloak provider, so it would be ignored. Did you mean keycloak:url?",
      'kuberentes:context: is in the unknown namespace "kuberentes", so it would be ignored. Did you mean openmetadata-sso:kubernetes.context?',
      "kubernetes:contxt: is not read: the component creates its own Kubernetes provider from openmetadata-sso:kubernetes.context and openmetadata-sso:kubernetes.kubeconfig, so it would be ignored. Did you mean openmetadata-sso:kubernetes.context?",
      'oktaa:orgName: is in the unknown namespace "oktaa", so it would be ignored. Did you mean okta:orgName?',
      'openmetadata-sos:publicUrl: is in the unknown namespace "openmetadata-sos", so it would be ignored. Did you mean openmetadata-sso:publicUrl?',
      'openmetadata:admins: is in the unknown namespace "openmetadata", so it would be ignored. Did you mean openmetadata-sso:admins?',
    ]);
  });

  it("refuses every provider credential in plain text, with the command that stores it as a secret", () => {
    const credentials = [
      "okta:accessToken",
      "okta:apiToken",
      "okta:privateKey",
      "auth0:apiToken",
      "auth0:clientAssertionPrivateKey",
      "auth0:clientSecret",
      "keycloak:accessToken",
      "keycloak:clientSecret",
      "keycloak:jwtSigningKey",
      "keycloak:jwtToken",
      "keycloak:password",
      "keycloak:tlsClientPrivateKey",
      "azuread:clientCertificate",
      "azuread:clientCertificatePassword",
      "azuread:clientSecret",
      "azuread:oidcRequestToken",
      "azuread:oidcToken",
      "docker:keyMaterial",
    ];
    // Each is a key its SDK reads, or a "not a setting of the provider" line would show up too.
    expect(
      problems({ ...okta, ...Object.fromEntries(credentials.map((key) => [key, "plain"])) }, []),
    ).toEqual(
      credentials.map(
        (key) =>
          `${key}: is stored in plain text (value hidden); it must be a secret. Run: pulumi config set --secret ${key} <value>`,
      ),
    );
    expect(
      problems(
        { ...okta, ...Object.fromEntries(credentials.map((key) => [key, "s3cret"])) },
        credentials,
      ),
    ).toEqual([]);
  });

  it("has at least 20 cases in its table", () => {
    expect(table.length).toBeGreaterThanOrEqual(20);
  });

  it("reports every problem at once, in one error", () => {
    expect(
      problems({ ...local, publicUrl: "ftp://x", target: "dokcer", admins: [], identty: {} }),
    ).toEqual([
      "openmetadata-sso:identty: is not a known setting, so it would be ignored. Did you mean openmetadata-sso:identity?",
      'openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"? (the checks that depend on it were skipped; they run once it is fixed)',
      "openmetadata-sso:admins: must be a non-empty list, each item a non-empty string; got [] (the checks that depend on it were skipped; they run once it is fixed)",
      'openmetadata-sso:publicUrl: must be an absolute http(s) origin; got "ftp://x" (the checks that depend on it were skipped; they run once it is fixed)',
    ]);
    try {
      readStackConfig(raw({ ...local, target: "dokcer", keys: { bits: 1 } }), { env: {} });
      expect.unreachable("bad config must throw");
    } catch (error) {
      expect((error as Error).message).toBe(
        [
          "Invalid stack config (2 problems):",
          '  - openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"? (the checks that depend on it were skipped; they run once it is fixed)',
          "  - openmetadata-sso:keys.bits: must be one of 2048, 3072, 4096; got 1",
        ].join("\n"),
      );
    }
  });

  it("runs every rule whose inputs parsed, and skips only those that need a bad value, saying so once", () => {
    // keys.bits and heapSize are refused where they parse; replicas does not parse, so the
    // sticky-session rule that needs it is skipped, and the replicas line says so.
    expect(
      problems(
        { ...okta, keys: { bits: 1 }, openmetadata: { heapSize: "900T", replicas: 1000 } },
        oktaSecrets,
      ),
    ).toEqual([
      "openmetadata-sso:keys.bits: must be one of 2048, 3072, 4096; got 1",
      `openmetadata-sso:openmetadata.replicas: must be an integer from 1 to 20; got 1000${SKIPPED}`,
      'openmetadata-sso:openmetadata.heapSize: must be a JVM heap from 512M to 64G, like "1G" or "1536M"; got "900T"',
    ]);
    // A bad field keeps its block's other fields, with their defaults: the ingress rule runs.
    expect(
      problems(
        {
          ...okta,
          openmetadata: { replicas: 3 },
          kubernetes: { namespace: "Bad_Name", ingress: { tls: "secret" } },
        },
        oktaSecrets,
      ),
    ).toEqual([
      'openmetadata-sso:kubernetes.namespace: must be a string matching /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/; got "Bad_Name"',
      'openmetadata-sso:openmetadata.replicas: must be 1 unless the ingress has sticky sessions; got 3. Before OpenMetadata 2.0 each replica keeps its own login sessions, so logins fail with "Missing state parameter". Run: pulumi config set --path openmetadata-sso:kubernetes.ingress.stickySessions true',
      'openmetadata-sso:kubernetes.ingress.tlsSecretName: is required with ingress.tls "secret". Set it: pulumi config set --path openmetadata-sso:kubernetes.ingress.tlsSecretName openmetadata-tls',
    ]);
    // Many rules need the target; its line says so once. A rule that needs only values that
    // parsed still runs (the admin outside the domain).
    expect(
      problems({ ...local, target: "dokcer", admins: ["demo@example.com", "bob@other.org"] }),
    ).toEqual([
      `openmetadata-sso:target: must be one of docker, kubernetes; got "dokcer". Did you mean "docker"?${SKIPPED}`,
      'openmetadata-sso:admins[1]: must be in the principal domain "example.com" (from the first admin); got "bob@other.org". OpenMetadata admits one principal domain, so this admin could never log in',
    ]);
    // A bad value that no rule needs says nothing more: the 1.12-only rotation rule reads the
    // version first.
    expect(problems({ ...local, keys: { rotation: "no spaces allowed" } })).toEqual([
      'openmetadata-sso:keys.rotation: must be a string matching /^[A-Za-z0-9._-]{1,64}$/; got "no spaces allowed"',
    ]);
  });

  it("reads secrets as secrets and puts them where the component expects them", async () => {
    const { args, placeholders } = readStackConfig(
      raw({ ...oidc(), clientSecret: "s3cret-value" }, ["clientSecret", ...oktaSecrets]),
      {
        env: {},
      },
    );
    const secret = args.identity.oidc!.clientSecret as pulumi.Output<string>;
    expect(await pulumi.isSecret(secret)).toBe(true);
    expect(await new Promise((resolve) => secret.apply(resolve))).toBe("s3cret-value");
    expect(placeholders).toEqual([]);
  });

  it("fills provider values from provider config or the provider's env var", () => {
    const auth0 = { ...okta, identity: { provider: "auth0" }, "auth0:clientId": "m2m" };
    const fromConfig = readStackConfig(
      raw({ ...auth0, "auth0:domain": "acme.eu.auth0.com", "auth0:clientSecret": "x" }, [
        "auth0:clientSecret",
        ...oktaSecrets,
      ]),
      {
        env: {},
      },
    );
    expect(fromConfig.args.identity.auth0).toEqual({ domain: "acme.eu.auth0.com" });
    const fromEnv = readStackConfig(
      raw({ ...auth0, "auth0:clientSecret": "x" }, ["auth0:clientSecret", ...oktaSecrets]),
      {
        env: { AUTH0_DOMAIN: "env.auth0.com" },
      },
    );
    expect(fromEnv.args.identity.auth0).toEqual({ domain: "env.auth0.com" });
  });

  it("stands in marked placeholders for missing secrets offline, and does not require credentials", async () => {
    const { args, placeholders } = readStackConfig(raw(oidc(), oktaSecrets), {
      offline: true,
      env: {},
    });
    expect(placeholders).toEqual(["openmetadata-sso:clientSecret"]);
    const secret = args.identity.oidc!.clientSecret as pulumi.Output<string>;
    expect(await pulumi.isSecret(secret)).toBe(true);
    expect(await new Promise((resolve) => secret.apply(resolve))).toBe(
      "offline-placeholder:openmetadata-sso:clientSecret",
    );
    expect(problems({ ...okta, "okta:apiToken": undefined })).toEqual([
      "okta:apiToken: is required by identity.provider okta (or okta:privateKey with okta:clientId). Run: pulumi config set --secret okta:apiToken <token> (or export OKTA_API_TOKEN)",
    ]);
    expect(() =>
      readStackConfig(raw({ ...okta, "okta:apiToken": undefined }), { offline: true, env: {} }),
    ).not.toThrow();
  });
});

describe("the local Keycloak's reach", () => {
  const at = (publicUrl: string, environment = "local") =>
    problems({ ...local, environment, publicUrl });

  it("is accepted where OpenMetadata is opened on the Docker host: a loopback publicUrl", () => {
    for (const url of [
      "http://localhost:8585",
      "http://LOCALHOST:8585",
      "http://openmetadata.localhost:8585",
      "http://127.0.0.1:8585",
      "http://127.1.2.3",
      "http://[::1]:8585",
    ]) {
      expect(at(url), url).toEqual([]);
    }
  });

  it("is refused for any other host, local stack or not, naming the port browsers would use", () => {
    const line = (url: string, host: string) =>
      `openmetadata-sso:identity.provider: "local-keycloak" sends every browser to http://localhost:8081, the Keycloak container on the Docker host, so it works only when OpenMetadata is opened on that host; got publicUrl "${url}", whose host "${host}" is not a loopback name (localhost, *.localhost, 127.0.0.0/8 or [::1]), so every other browser would look for Keycloak on its own machine. Use an identity provider reachable from the browsers (okta, auth0, keycloak, onelogin, entra or oidc), or set publicUrl to "http://localhost:8585" for a stack used on the Docker host only`;
    expect(at("http://192.168.1.20:8585")).toEqual([
      line("http://192.168.1.20:8585", "192.168.1.20"),
    ]);
    expect(at("http://localhost.example.com")).toEqual([
      line("http://localhost.example.com", "localhost.example.com"),
    ]);
    expect(at("https://om.example.com", "staging")).toEqual([
      line("https://om.example.com", "om.example.com"),
    ]);
  });
});

describe("readStackConfig offline", () => {
  const offline = (values: Record<string, unknown>, secrets: string[] = [], env = {}) => {
    try {
      readStackConfig(raw(values, secrets), { offline: true, env });
      return [];
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.issues.map((i) => i.message);
      throw error;
    }
  };

  it("names every placeholder, the secure values it could not decrypt too", () => {
    const { placeholders } = readStackConfig(
      raw({ ...oidc(), "okta:apiToken": "offline-placeholder:okta:apiToken" }, ["okta:apiToken"]),
      { offline: true, env: {} },
    );
    expect(placeholders).toEqual(["okta:apiToken", "openmetadata-sso:clientSecret"]);
  });

  it("requires okta:orgName as pulumi up does, and never the credentials", () => {
    const noOrg = { ...okta, "okta:orgName": undefined, "okta:apiToken": undefined };
    expect(offline(noOrg)).toEqual([
      "okta:orgName: is required by identity.provider okta. Run: pulumi config set okta:orgName <org> (or export OKTA_ORG_NAME)",
    ]);
    expect(offline(noOrg, [], { OKTA_ORG_NAME: "acme" })).toEqual([]);
  });

  it("refuses an org URL in okta:orgName or a scheme in okta:baseUrl, with the split", () => {
    expect(
      offline(
        { ...okta, "okta:orgName": "Dev-123.OktaPreview.com", "okta:baseUrl": "okta.com/" },
        oktaSecrets,
      ),
    ).toEqual([
      'okta:orgName: must be the org\'s subdomain alone, like "dev-123456" for https://dev-123456.okta.com; got "Dev-123.OktaPreview.com". Run: pulumi config set okta:orgName Dev-123 && pulumi config set okta:baseUrl oktapreview.com',
      'okta:baseUrl: must be the domain of the Okta cell alone, like "okta.com", "oktapreview.com" or "okta-emea.com"; got "okta.com/"',
    ]);
    expect(
      offline({ ...okta, "okta:orgName": undefined }, oktaSecrets, {
        OKTA_ORG_NAME: "acme org",
      }),
    ).toEqual([
      'okta:orgName (from OKTA_ORG_NAME): must be the org\'s subdomain alone, like "dev-123456" for https://dev-123456.okta.com; got "acme org". Run: pulumi config set okta:orgName <org>, where https://<org>.okta.com is your Okta URL',
    ]);
  });
});

describe("check", () => {
  const view = () =>
    guarded(
      { openmetadata: { heapSize: "1G" }, admins: ["a@example.com"] } as {
        openmetadata: { heapSize: string; replicas?: number };
        admins: string[];
        protect?: boolean;
        target?: string;
      },
      new Set(["openmetadata.replicas", "target"]),
    );

  it("runs a rule that reads only parsed values, and lets a missing value read as undefined", () => {
    const out = new IssueCollector(configNamer);
    check(out, () => {
      const v = view();
      out.add(
        ["openmetadata", "heapSize"],
        `saw ${v.openmetadata.heapSize} ${v.admins.length} ${v.admins[0]} ${v.protect}`,
      );
    });
    expect(out.issues.map((issue) => issue.message)).toEqual([
      "openmetadata-sso:openmetadata.heapSize: saw 1G 1 a@example.com undefined",
    ]);
  });

  it("drops what a rule added before it read a value that did not parse, and marks that value's first line once", () => {
    const out = new IssueCollector(configNamer);
    out.add(["openmetadata", "replicas"], "must be an integer from 1 to 20; got 1000");
    out.add(["openmetadata", "replicas"], "second line");
    for (let i = 0; i < 2; i++) {
      check(out, () => {
        const v = view();
        out.add(["openmetadata", "heapSize"], "added before the bad read");
        if ((v.openmetadata.replicas ?? 1) > 1) out.add(["openmetadata", "replicas"], "never");
      });
    }
    // A value that did not parse and has no line of its own gets one (a safety net).
    check(out, () => view().target);
    expect(out.issues.map((issue) => issue.message)).toEqual([
      `openmetadata-sso:openmetadata.replicas: must be an integer from 1 to 20; got 1000${SKIPPED}`,
      "openmetadata-sso:openmetadata.replicas: second line",
      `openmetadata-sso:target: did not parse${SKIPPED}`,
    ]);
  });

  it("lets every other error through, and keeps the parsed settings read-only", () => {
    const out = new IssueCollector(configNamer);
    expect(() =>
      check(out, () => {
        throw new RangeError("a bug in a rule");
      }),
    ).toThrow(RangeError);
    expect(() =>
      check(out, () => {
        view().openmetadata.heapSize = "2G";
      }),
    ).toThrow("the parsed settings are read-only to the rules");
  });
});

describe("validateArgs", () => {
  /** The lines validateArgs throws for `args`, or [] when they are valid. */
  const argProblems = (args: unknown): string[] => {
    try {
      validateArgs(args as OpenMetadataSsoArgs);
      return [];
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.issues.map((i) => i.message);
      throw error;
    }
  };

  it("refuses anything but an object, with the arguments error, never a TypeError", () => {
    const fix = ". Pass at least { publicUrl, target, admins, identity }";
    expect(argProblems(null)).toEqual([
      `args: must be an object of OpenMetadataSsoArgs; got null${fix}`,
    ]);
    expect(argProblems(undefined)).toEqual([
      `args: must be an object of OpenMetadataSsoArgs; got nothing${fix}`,
    ]);
    expect(argProblems([])).toEqual([
      `args: must be an object of OpenMetadataSsoArgs; got a list${fix}`,
    ]);
    // An object's inherited members are not settings.
    expect(argProblems(Object.create({ keys: 5 }))).toEqual([
      "args.publicUrl: is required. Set it: set args.publicUrl to https://openmetadata.example.com (the checks that depend on it were skipped; they run once it is fixed)",
      "args.target: must be one of docker, kubernetes; got nothing (the checks that depend on it were skipped; they run once it is fixed)",
      'args.admins: is required. Set it: set args.admins to ["alice@example.com"] (the checks that depend on it were skipped; they run once it is fixed)',
      "args.identity: is required. Set it: set args.identity.provider to okta (the checks that depend on it were skipped; they run once it is fixed)",
    ]);
  });

  it("names a string's length limit, and says a problem of one value once", () => {
    const local = {
      environment: "local",
      publicUrl: "http://localhost:8585",
      target: "docker",
      admins: ["demo@example.com"],
    };
    expect(
      argProblems({ ...local, identity: { provider: "local-keycloak", appName: "x".repeat(101) } }),
    ).toEqual([
      `args.identity.appName: must be a non-empty string of at most 100 characters; got "${"x".repeat(76)}...`,
    ]);
    expect(
      argProblems({
        ...local,
        identity: { provider: "local-keycloak" },
        openmetadata: { replicas: 1e308 },
      }),
    ).toEqual([
      "args.openmetadata.replicas: must be an integer from 1 to 20; got 1e+308 (the checks that depend on it were skipped; they run once it is fixed)",
    ]);
  });

  it("refuses a secret of the wrong type without showing it, and takes strings and Outputs", () => {
    const withSecret = (clientSecret: unknown) => ({
      environment: "local",
      publicUrl: "http://localhost:8585",
      target: "docker",
      admins: ["demo@example.com"],
      identity: {
        provider: "oidc",
        oidc: { issuer: "https://idp.example.com", clientId: "om", clientSecret },
      },
    });
    const line = (kind: string) =>
      `args.identity.oidc.clientSecret: must be a non-empty string or a pulumi.Output of one; got ${kind} (value hidden) (the checks that depend on it were skipped; they run once it is fixed)`;
    expect(argProblems(withSecret(12345678))).toEqual([line("a number")]);
    expect(argProblems(withSecret({ value: "s3cr3t-value" }))).toEqual([line("an object")]);
    expect(argProblems(withSecret(["s3cr3t-value"]))).toEqual([line("a list")]);
    expect(argProblems(withSecret(true))).toEqual([line("a boolean")]);
    expect(argProblems(withSecret(""))).toEqual([
      'args.identity.oidc.clientSecret: must be a value; got "" (the checks that depend on it were skipped; they run once it is fixed)',
    ]);
    expect(argProblems(withSecret("s3cr3t-value"))).toEqual([]);
    expect(argProblems(withSecret(pulumi.secret("s3cr3t-value")))).toEqual([]);
    expect(argProblems(withSecret(Promise.resolve("s3cr3t-value")))).toEqual([]);
  });

  it("names arguments, not config keys, for programs that use the component as a library", () => {
    expect(() =>
      validateArgs({
        publicUrl: "https://om.example.com/",
        target: "docker",
        admins: ["a@example.com"],
        identity: { provider: "okta", clientType: "public", oidc: { issuer: "https://x" } },
      }),
    ).toThrow(
      [
        "Invalid arguments (2 problems):",
        '  - args.publicUrl: must not end with a slash; got "https://om.example.com/". Use "https://om.example.com" (the checks that depend on it were skipped; they run once it is fixed)',
        "  - args.identity.oidc: is only allowed with identity.provider oidc; got provider okta. Remove it: remove args.identity.oidc",
      ].join("\n"),
    );
  });

  it("applies every default", () => {
    const settings = validateArgs({
      publicUrl: "https://om.example.com",
      target: "docker",
      admins: ["Alice@Example.com"],
      identity: { provider: "okta" },
    });
    expect(settings).toEqual({
      environment: "production",
      publicUrl: "https://om.example.com",
      target: "docker",
      admins: ["Alice@Example.com"],
      principalDomain: "example.com",
      identity: {
        provider: "okta",
        clientType: "confidential",
        okta: undefined,
        localKeycloak: undefined,
      },
      keys: { bits: 2048, rotation: "initial", issuer: "om.example.com", protect: true },
      openmetadata: {
        version: "1.13.1",
        replicas: 1,
        heapSize: "1G",
        checkPublicUrl: true,
        clusterName: "openmetadata",
        enableSelfSignup: true,
        principalClaims: ["email", "preferred_username", "sub"],
        ingestion: false,
      },
      docker: {
        database: "mysql",
        search: "elasticsearch",
        adminPort: 8586,
        httpPort: 8585,
        images: {},
        tls: { mode: "generated", httpsPort: 443 },
      },
      kubernetes: undefined,
      dataRetention: "retain",
      protect: true,
    });
  });
});

describe("masked", () => {
  it("hides the credentials of a URL, and leaves a URL without them as it is", () => {
    expect(masked("http://user:S3cretPw@proxy.corp:3128")).toBe("http://***@proxy.corp:3128");
    expect(masked("https://token@idp.example.com/x?y=1")).toBe("https://***@idp.example.com/x?y=1");
    expect(masked("https://idp.example.com/x@y")).toBe("https://idp.example.com/x@y");
    expect(masked("https:user:pw@idp.example.com")).toBe("https:***@idp.example.com");
  });
});

describe("urlProblem", () => {
  const rules = { requireHttps: true, allowPath: true };
  it.each([
    ["https://idp.example.com/realms/x", undefined],
    [
      "not a url",
      'must be an absolute http(s) URL, e.g. "https://openmetadata.example.com"; got "not a url"',
    ],
    [
      "https://user:pw@idp.example.com",
      'must not contain credentials; got "https://***@idp.example.com". Use "https://idp.example.com"',
    ],
    [
      "https://idp.example.com/#x",
      'must not have a fragment, and must not end with a slash; got "https://idp.example.com/#x". Use "https://idp.example.com"',
    ],
    [
      "http://idp.example.com//realms/x/?a=1",
      'must use https outside a local stack, and must not have a query string, and must not contain a double slash, and must not end with a slash; got "http://idp.example.com//realms/x/?a=1". Use "https://idp.example.com/realms/x", or set environment to "local"',
    ],
    [
      "https://idp.example.com:0/realms/x",
      'must not use port 0, on which nothing can be reached; got "https://idp.example.com:0/realms/x". Use "https://idp.example.com/realms/x"',
    ],
    [
      "https:idp.example.com/realms/x",
      'must have exactly two slashes after the scheme, as in "https://"; got "https:idp.example.com/realms/x". Use "https://idp.example.com/realms/x"',
    ],
    [
      "https:/idp.example.com",
      'must have exactly two slashes after the scheme, as in "https://"; got "https:/idp.example.com". Use "https://idp.example.com"',
    ],
    [
      "https:///idp.example.com",
      'must have exactly two slashes after the scheme, as in "https://"; got "https:///idp.example.com". Use "https://idp.example.com"',
    ],
    [
      "http:/idp.example.com/",
      'must have exactly two slashes after the scheme, as in "https://", and must use https outside a local stack, and must not end with a slash; got "http:/idp.example.com/". Use "https://idp.example.com", or set environment to "local"',
    ],
    [" https://idp.example.com", 'must be an absolute http(s) URL; got " https://idp.example.com"'],
  ])("checks %s", (url, expected) => {
    expect(urlProblem(url, rules)).toBe(expected);
  });

  it("accepts one trailing slash only where allowed (the generic issuer)", () => {
    const issuer = { ...rules, allowTrailingSlash: true };
    expect(urlProblem("https://auth.example.com/application/o/om/", issuer)).toBeUndefined();
    expect(urlProblem("https://acme.auth0.com/", issuer)).toBeUndefined();
    expect(urlProblem("https://acme.auth0.com//", issuer)).toBe(
      'must not contain a double slash; got "https://acme.auth0.com//". Use "https://acme.auth0.com/"',
    );
    expect(urlProblem("https://acme.auth0.com/?a=1", issuer)).toBe(
      'must not have a query string; got "https://acme.auth0.com/?a=1". Use "https://acme.auth0.com/"',
    );
    expect(urlProblem("https://acme.auth0.com/", rules)).toBe(
      'must not end with a slash; got "https://acme.auth0.com/". Use "https://acme.auth0.com"',
    );
  });

  it("suggests an origin that passes every rule for publicUrl", () => {
    const origin = { requireHttps: true, allowPath: false };
    const problem = urlProblem("http://om.example.com/app/", origin);
    expect(problem).toBe(
      'must use https outside a local stack, and must not end with a slash, and must be an origin without a path (OpenMetadata is served at the domain root); got "http://om.example.com/app/". Use "https://om.example.com", or set environment to "local"',
    );
    expect(urlProblem("https://om.example.com", origin)).toBeUndefined();
  });
});

describe("proxyUrlProblem", () => {
  it.each([
    ["http://proxy.corp.example.com:3128", undefined],
    ["http://10.0.0.5", undefined],
    ["http://proxy:3128/", undefined],
    [
      "proxy.corp:3128",
      'must be an absolute http URL of a proxy, like "http://proxy.example.com:3128"; got "proxy.corp:3128". Use "http://proxy.corp:3128"',
    ],
    [
      "socks5://proxy.corp:1080",
      'must be an absolute http URL of a proxy, like "http://proxy.example.com:3128"; got "socks5://proxy.corp:1080"',
    ],
    [
      "http:/proxy.corp:3128",
      'must be an absolute http URL of a proxy, like "http://proxy.example.com:3128"; got "http:/proxy.corp:3128"',
    ],
    [
      "https://proxy.corp",
      'must use http: the JVM speaks plain HTTP to its proxy, with a CONNECT request for https sites, and cannot open TLS to it; got "https://proxy.corp". Use "http://proxy.corp:443"',
    ],
    [
      "http://proxy.corp:0/#x",
      'must not use port 0, on which nothing can be reached, and must not have a fragment; got "http://proxy.corp:0/#x". Use "http://proxy.corp"',
    ],
  ])("checks %s", (url, expected) => {
    expect(proxyUrlProblem(url)).toBe(expected);
  });
});

describe("editDistance", () => {
  it("counts a swap of neighbouring letters as one edit, case-insensitively", () => {
    expect(editDistance("prot", "port")).toBe(1);
    expect(editDistance("Identity", "identty")).toBe(1);
    expect(editDistance("docker", "kubernetes")).toBe(9);
  });
});
