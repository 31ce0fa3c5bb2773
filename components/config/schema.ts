/**
 * The configuration schema: every setting, its type, bounds and static default (zod), the secret
 * keys and provider values, and the types of validated settings.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { COMPATIBILITY } from "../settings/compatibility";
import { nonProxyHostProblem } from "../settings/proxy";
import { trustedCaProblems } from "../settings/truststore";
import { show } from "../suggest";
import {
  ClientType,
  DataRetention,
  HttpScheme,
  DatabaseEngine,
  DockerTlsMode,
  Environment,
  IdentityProviderKind,
  IngressTlsSource,
  KubernetesDependencies,
  SearchEngine,
  Target,
  ConfidentialTokenEndpointAuthMethod,
  type OpenMetadataSsoArgs,
} from "../types";
import { proxyUrlProblem } from "../urls";

/** The project's config namespace: keys are `openmetadata-sso:<key>`. */
export const NAMESPACE = "openmetadata-sso";

/** OpenMetadata release used when `openmetadata.version` is not set. */
export const DEFAULT_OPENMETADATA_VERSION = "1.13.1";

/** OpenMetadata releases this package is tested against: 1.12.x and 1.13.x. */
export const SUPPORTED_VERSIONS = /^1\.1[23]\.\d+$/;

/** Marks the values the offline render puts in place of secrets it cannot read. */
export const OFFLINE_PLACEHOLDER_PREFIX = "offline-placeholder:";

export type Path = (string | number)[];

// ---------------------------------------------------------------------------------------------
// Schema. Config-shaped objects first; argument objects extend them with the secret inputs the
// stack program fills from separate secret keys, and the values it takes from provider config.
// ---------------------------------------------------------------------------------------------

export const text = z.string().min(1);
export const port = z.number().int().min(1).max(65535);
/** A secret argument: a non-empty string, or an Output or promise that Pulumi resolves later. */
export function isSecretInput(value: unknown): boolean {
  if (typeof value === "string") return value !== "";
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}
export const secretInput = z.custom<pulumi.Input<string>>(isSecretInput, {
  params: { secretInput: true },
});

/**
 * A non-empty string that `message` checks: it returns the whole problem, phrased to follow the
 * key, or `undefined` when the value is good. The check runs in the schema, so its problem is
 * reported together with every other problem of its block, and printed as `message` words it.
 */
function checkedText(message: (value: string) => string | undefined, constraint?: Constraint) {
  const checked = text.superRefine((value, ctx) => {
    const problem = message(value);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: problem, params: { ownMessage: true } });
    }
  });
  return constraint === undefined ? checked : checked.meta(constraint);
}

/**
 * What a setting's schema says of itself beyond its type (zod metadata): docs/config.md shows
 * `doc` as the setting's type, and test/config-docs.test.ts holds validation to its examples.
 */
export interface Constraint {
  /** The constraint as docs/config.md states it, in place of the type zod can describe. */
  doc?: string;
  /** Values validation accepts and refuses, in a stack where the setting applies. */
  examples?: { accepted: unknown[]; refused: unknown[] };
  /** Why a value is the only one allowed, said after the problem. */
  reason?: string;
  /** The only value allowed is the default: the fix is to remove the setting. */
  removable?: boolean;
  /** For component arguments without their own TypeScript type: the global registry's index. */
  [key: string]: unknown;
}

/** A label whose change replaces what it labels (`keys.rotation`, `identity.entra.secretRotation`). */
const rotationLabel = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/)
  .default("initial");

export const oktaSchema = z.strictObject({
  authorizationServer: text.default("default"),
  groupIds: z.array(text).default([]),
});
export const auth0ConfigSchema = z.strictObject({ connections: z.array(text).default([]) });
export const auth0Schema = auth0ConfigSchema.extend({ domain: text });
export const keycloakConfigSchema = z.strictObject({
  realm: text,
  clientId: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/)
    .optional(),
  createRealm: z.boolean().default(false),
});
export const keycloakSchema = keycloakConfigSchema.extend({ url: text });
/** Keycloak release the local Keycloak runs when `identity.localKeycloak.version` is not set. */
export const DEFAULT_LOCAL_KEYCLOAK_VERSION = "26.4.5";

/**
 * A Keycloak release the local Keycloak can run: pinned to three numbers, 26 or later, whose
 * container reads `KC_BOOTSTRAP_ADMIN_*` and `KC_HOSTNAME_BACKCHANNEL_DYNAMIC`. Checked in the
 * schema so it is reported with the block's other problems.
 */
export const localKeycloakVersion = checkedText(
  (version) => {
    const major = /^(\d+)\.\d+\.\d+$/.exec(version)?.[1];
    if (major !== undefined && Number(major) >= 26) return undefined;
    const why =
      major !== undefined
        ? `: Keycloak before 26 does not read KC_BOOTSTRAP_ADMIN_* and KC_HOSTNAME_BACKCHANNEL_DYNAMIC, which the local Keycloak is configured with`
        : ", which is not a pinned release, so the container could change under the stack";
    return `must be a pinned Keycloak release 26.x.y or later (three numbers, like "${DEFAULT_LOCAL_KEYCLOAK_VERSION}"); got ${show(version)}${why}. Use "${DEFAULT_LOCAL_KEYCLOAK_VERSION}"`;
  },
  {
    doc: "Keycloak release `26.x.y` or later: three numbers",
    examples: { accepted: ["26.0.0", "26.4.5", "27.1.2"], refused: ["25.0.6", "26.4", "latest"] },
  },
);

export const localKeycloakSchema = z.strictObject({
  port: port.default(8081),
  version: localKeycloakVersion.default(DEFAULT_LOCAL_KEYCLOAK_VERSION),
  realm: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/)
    .default("openmetadata"),
  demoUser: z
    .string()
    .regex(/^[a-z][a-z0-9._-]{0,62}$/)
    .default("demo"),
});
export const oneLoginConfigSchema = z.strictObject({});
export const oneLoginSchema = z.strictObject({
  subdomain: secretInput,
  apiClientId: secretInput,
  apiClientSecret: secretInput,
});
/**
 * The one Entra sign-in audience that works: OpenMetadata's authority and issuer are the tenant's,
 * so accounts of other tenants and personal Microsoft accounts never get a token it accepts.
 */
export const SIGN_IN_AUDIENCE = "AzureADMyOrg";
export const entraConfigSchema = z.strictObject({
  signInAudience: asType<string>(z.literal(SIGN_IN_AUDIENCE))
    .meta({
      reason:
        "OpenMetadata's authority and issuer are the tenant's (https://login.microsoftonline.com/<tenantId>/v2.0), so users of other tenants and personal Microsoft accounts could never sign in",
      removable: true,
    } satisfies Constraint)
    .default(SIGN_IN_AUDIENCE),
  groupIds: z
    .array(text)
    .meta({
      doc: "list of group object ids (GUIDs), each listed once",
      examples: {
        accepted: [[], ["00000000-0000-0000-0000-000000000001"]],
        refused: [
          ["data-team"],
          ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000001"],
        ],
      },
    } satisfies Constraint)
    .default([]),
  secretRotation: rotationLabel,
  secretEndDate: text
    .meta({
      doc: "RFC 3339 timestamp of a real date, with a time zone, like `2027-06-30T00:00:00Z`",
      examples: {
        accepted: ["2027-06-30T00:00:00Z", "2028-02-29T12:30:00+02:00"],
        refused: ["2027-02-29T00:00:00Z", "2027-06-30", "2027-06-30T00:00:00"],
      },
    } satisfies Constraint)
    .optional(),
});
export const entraSchema = entraConfigSchema.extend({ tenantId: text });
export const oidcConfigSchema = z.strictObject({
  issuer: text.meta({
    doc: "absolute `http(s)` URL, which may end in `/`; `https` unless `environment` is `local`",
    examples: {
      accepted: ["https://idp.example.com", "https://idp.example.com/realms/acme/"],
      refused: ["idp.example.com", "https://idp.example.com//", "https://idp.example.com?a=1"],
    },
  } satisfies Constraint),
  clientId: text.optional(),
  registration: z.boolean().default(false),
  discoveryUrl: text
    .meta({
      doc: "absolute `http(s)` URL ending in `/.well-known/openid-configuration`; `https` unless `environment` is `local`",
      examples: {
        accepted: ["https://idp.example.com/.well-known/openid-configuration"],
        refused: [
          "https://idp.example.com",
          "https://idp.example.com/.well-known/openid-configuration/",
        ],
      },
    } satisfies Constraint)
    .optional(),
  tokenEndpointAuthMethod: z
    .enum(ConfidentialTokenEndpointAuthMethod)
    .default("client_secret_post"),
  providerName: text.max(40).default("SSO"),
});
export const oidcSchema = oidcConfigSchema.extend({
  clientSecret: secretInput.optional(),
  initialAccessToken: secretInput.optional(),
});

export const identityShape = {
  provider: z.enum(IdentityProviderKind),
  clientType: z.enum(ClientType).default("confidential"),
  appName: text.max(100).optional(),
  okta: oktaSchema.optional(),
  localKeycloak: localKeycloakSchema.optional(),
};
export const identityConfigSchema = z.strictObject({
  ...identityShape,
  auth0: auth0ConfigSchema.optional(),
  keycloak: keycloakConfigSchema.optional(),
  onelogin: oneLoginConfigSchema.optional(),
  entra: entraConfigSchema.optional(),
  oidc: oidcConfigSchema.optional(),
});
export const identitySchema = z.strictObject({
  ...identityShape,
  auth0: auth0Schema.optional(),
  keycloak: keycloakSchema.optional(),
  onelogin: oneLoginSchema.optional(),
  entra: entraSchema.optional(),
  oidc: oidcSchema.optional(),
});

/**
 * `schema` typed as validating a `T`: the argument interfaces keep plain `number` and `string`
 * where the schema accepts a few literals, because Pulumi's schema inference for the component
 * (test/schema.test.ts) supports no literal types. Validation and docs read the literal at run time.
 */
function asType<T>(schema: z.ZodType<T, T>): z.ZodType<T, T> {
  return schema;
}

/** RSA modulus sizes of the signing keys: OpenMetadata loads any, these are the strong ones. */
export const KEY_SIZES = [2048, 3072, 4096] as const;

export const keysSchema = z
  .strictObject({
    bits: asType<number>(z.literal(KEY_SIZES)).default(2048),
    rotation: rotationLabel,
    issuer: text.optional(),
    protect: z.boolean().optional(),
  })
  .prefault({});

/**
 * The server's egress proxy. Its URL and entries are checked in the schema, so that
 * every problem of the block is reported together.
 */
export const egressProxySchema = z.strictObject({
  // An empty value has its one message from `text`.
  url: checkedText((url) => (url === "" ? undefined : proxyUrlProblem(url)), {
    doc: "the proxy's `http://host:port`: http, no credentials, path or query",
    examples: {
      accepted: ["http://proxy.example.com:3128"],
      refused: [
        "proxy.example.com:3128",
        "http://user:pw@proxy.example.com:3128",
        "http://proxy.example.com:3128/path",
      ],
    },
  }),
  noProxy: z
    .array(
      checkedText((pattern) => {
        const problem = pattern === "" ? undefined : nonProxyHostProblem(pattern);
        return problem === undefined
          ? undefined
          : `must be a host name or an IP address, with at most one "*" at its start or its end, as Java's http.nonProxyHosts reads them; got ${show(pattern)}${problem}`;
      }),
    )
    .default([]),
});

/** A JVM heap size: a number of megabytes or gigabytes. */
export const HEAP = /^(\d+)([MG])$/;
/** The heap OpenMetadata gets, in megabytes: from 512M, below which it fails, to 64G. */
export const HEAP_RANGE = { min: 512, max: 65536 };

export const heapSize = checkedText(
  (heap) => {
    const match = HEAP.exec(heap);
    const megabytes = match ? Number(match[1]) * (match[2] === "G" ? 1024 : 1) : NaN;
    return megabytes >= HEAP_RANGE.min && megabytes <= HEAP_RANGE.max
      ? undefined
      : `must be a JVM heap from 512M to 64G, like "1G" or "1536M"; got ${show(heap)}`;
  },
  {
    doc: "JVM heap from `512M` to `64G`: a whole number and `M` or `G`",
    examples: {
      accepted: ["512M", "64G", "65536M", "1536M"],
      refused: ["511M", "65G", "65537M", "1T", "1g", "1.5G"],
    },
  },
);

export const openMetadataVersion = checkedText(
  (version) =>
    SUPPORTED_VERSIONS.test(version)
      ? undefined
      : `must be a supported OpenMetadata release (1.12.x or 1.13.x); got ${show(version)}. Use "${DEFAULT_OPENMETADATA_VERSION}"`,
  {
    doc: "a supported OpenMetadata release: `1.12.x` or `1.13.x`",
    examples: {
      accepted: ["1.12.0", "1.13.1", "1.13.10"],
      refused: ["1.11.0", "1.14.0", "1.13", "v1.13.1"],
    },
  },
);

export const openMetadataSchema = z
  .strictObject({
    version: openMetadataVersion.default(DEFAULT_OPENMETADATA_VERSION),
    replicas: z.number().int().min(1).max(20).default(1),
    heapSize: heapSize.default("1G"),
    clusterName: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/)
      .default("openmetadata"),
    enableSelfSignup: z.boolean().default(true),
    principalClaims: z
      .array(z.string().regex(/^[A-Za-z0-9_:.-]{1,64}$/))
      .min(1)
      .meta({
        doc: "list of claim names matching `/^[A-Za-z0-9_:.-]{1,64}$/`, at least 1, the first `email` or `upn`",
        examples: {
          accepted: [["email"], ["upn", "sub"]],
          refused: [[], ["sub", "email"], ["email", "not valid!"]],
        },
      } satisfies Constraint)
      .default(["email", "preferred_username", "sub"]),
    ingestion: z.boolean().default(false),
    egressProxy: egressProxySchema.optional(),
    checkPublicUrl: z.boolean().default(true),
  })
  .prefault({});

export const dockerTlsShape = {
  mode: z.enum(DockerTlsMode).optional(),
  certificate: text.optional(),
  httpsPort: port.optional(),
};
/**
 * Why an image reference is not pinned, phrased to follow its value, and how to pin it; `undefined`
 * when it names a version tag other than "latest", or a sha256 digest.
 */
export function unpinnedImage(image: string): string | undefined {
  const [name, digest] = image.split("@", 2) as [string, string | undefined];
  const colon = name.lastIndexOf(":");
  const tagged = colon > name.lastIndexOf("/");
  const tag = tagged ? name.slice(colon + 1) : "";
  const repository = tagged ? name.slice(0, colon) : name;
  let problem: string | undefined;
  if (digest !== undefined) {
    if (!/^sha256:[a-f0-9]{64}$/.test(digest))
      problem = 'whose digest is not "sha256:" and 64 hex digits';
  } else if (tag === "") problem = 'which has no tag, so Docker pulls "latest"';
  else if (tag === "latest") problem = "whose tag moves to each new release";
  else if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag))
    problem = "whose tag is not a valid tag";
  return problem === undefined
    ? undefined
    : `, ${problem}. Pin it: "${repository}:<version>" or "${repository}@sha256:<digest>"`;
}

/**
 * An image reference that must be pinned. Checked in the schema, not among the cross-field rules,
 * so that it is reported together with any other problem in the `docker` block.
 */
export const pinnedImage = checkedText(
  (image) => {
    const problem = unpinnedImage(image);
    return problem === undefined
      ? undefined
      : `must be pinned to a version tag or a digest; got ${show(image)}${problem}`;
  },
  {
    doc: "image reference pinned to a version tag other than `latest`, or to a `sha256` digest",
    examples: {
      accepted: [
        "registry.example.com/team/tool:2.1.0",
        `registry.example.com/team/tool@sha256:${"a".repeat(64)}`,
      ],
      refused: [
        "registry.example.com/team/tool",
        "registry.example.com/team/tool:latest",
        "tool@sha256:1234",
      ],
    },
  },
);

/** The documented constraint of a database or search image: pinned, and recent enough. */
function dependencyImage(
  role: "database" | "search",
  engines: string[],
  examples: Constraint["examples"],
) {
  const minimums = Object.entries(COMPATIBILITY)
    .map(
      ([release, table]) =>
        `${release}: ${engines.map((engine) => `${engine} ${table[engine as keyof typeof table].version}`).join(", ")}`,
    )
    .join("; ");
  return pinnedImage.meta({
    doc: `image pinned to a version tag or a \`sha256\` digest, of \`docker.${role}\`'s engine at the release OpenMetadata requires or later (${minimums})`,
    examples,
  } satisfies Constraint);
}

export const dockerImagesSchema = z
  .strictObject({
    database: dependencyImage("database", ["mysql", "postgresql"], {
      accepted: ["mysql:8.0.42", "mysql:8.4.6"],
      refused: ["mysql:8.0.41", "mysql:latest"],
    }).optional(),
    search: dependencyImage("search", ["elasticsearch", "opensearch"], {
      accepted: ["docker.elastic.co/elasticsearch/elasticsearch:9.0.0"],
      refused: ["docker.elastic.co/elasticsearch/elasticsearch:8.19.0"],
    }).optional(),
    proxy: pinnedImage.optional(),
    verifier: pinnedImage.optional(),
  })
  .prefault({});
export const dockerShape = {
  database: z.enum(DatabaseEngine).default("mysql"),
  search: z.enum(SearchEngine).default("elasticsearch"),
  httpPort: port.optional(),
  adminPort: port.default(8586),
  images: dockerImagesSchema,
};
export const dockerConfigSchema = z.strictObject({
  ...dockerShape,
  tls: z.strictObject(dockerTlsShape).prefault({}),
});
export const dockerSchema = z.strictObject({
  ...dockerShape,
  tls: z.strictObject({ ...dockerTlsShape, privateKey: secretInput.optional() }).prefault({}),
});

/**
 * CA certificates to trust, as one PEM text. Each problem of each certificate is its own line, so
 * every one is reported together. Expiry is judged by this machine's clock.
 */
export const trustedCaCertificatesSchema = text
  .superRefine((pem, ctx) => {
    for (const problem of trustedCaProblems(pem, new Date())) {
      ctx.addIssue({ code: "custom", message: problem, params: { ownMessage: true } });
    }
  })
  .meta({
    doc: "PEM text of CA certificates, each unexpired and a CA, without private keys",
    examples: {
      accepted: [],
      refused: ["sample-1", "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----"],
    },
  } satisfies Constraint);

export const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);

/** The example of JDBC parameters shown when a value cannot be corrected. */
export const EXAMPLE_DATABASE_PARAMS = "sslMode=REQUIRED&serverTimezone=UTC";

/**
 * Why JDBC parameters are not a URL query string (`key=value` pairs joined by `&`, no leading `?`,
 * no whitespace, no empty pair), phrased to follow the value, and the corrected value to use;
 * `undefined` when they are one. The server appends them to the JDBC URL after its own `?`.
 */
export function databaseParamsProblem(params: string): string | undefined {
  const problems: string[] = [];
  if (params.startsWith("?"))
    problems.push('starts with "?" (the server puts its own before the parameters)');
  else if (params.includes("?")) problems.push('contains "?"');
  if (/\s/.test(params)) problems.push("contains whitespace");
  const pairs = params.replace(/^\?/, "").split("&");
  if (pairs.some((pair) => pair.trim() === "")) problems.push('has an empty pair (a stray "&")');
  const malformed = pairs.filter((pair) => pair.trim() !== "" && !/^[^=\s]+=/.test(pair.trim()));
  if (malformed.length > 0)
    problems.push(
      `has ${malformed.map((pair) => show(pair.trim())).join(", ")}, not ${malformed.length === 1 ? "a key=value pair" : "key=value pairs"}`,
    );
  if (problems.length === 0) return undefined;
  const corrected = params
    .replace(/^\?/, "")
    .split("&")
    .map((pair) => pair.replace(/\s+/g, ""))
    .filter((pair) => pair !== "");
  const fix =
    malformed.length === 0 && corrected.length > 0 && !corrected.join("&").includes("?")
      ? corrected.join("&")
      : EXAMPLE_DATABASE_PARAMS;
  return `, which ${problems.join(" and ")}. Use "${fix}"`;
}

/**
 * JDBC parameters of an external database. Checked in the schema, so that a problem is reported
 * together with any other problem in the `kubernetes` block.
 */
export const databaseParams = checkedText(
  (params) => {
    const problem = databaseParamsProblem(params);
    return problem === undefined
      ? undefined
      : `must be JDBC parameters as a URL query string: key=value pairs joined by "&", without a leading "?"; got ${show(params)}${problem}`;
  },
  {
    doc: "JDBC parameters: `key=value` pairs joined by `&`, without a leading `?`",
    examples: {
      accepted: ["sslMode=REQUIRED", "sslMode=REQUIRED&serverTimezone=UTC"],
      refused: ["?sslMode=REQUIRED", "a=1&&b=2", "flag", "a=1 &b=2"],
    },
  },
);

export const externalDatabaseShape = {
  engine: z.enum(DatabaseEngine).default("mysql"),
  host: text,
  port: port.optional(),
  name: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,64}$/)
    .default("openmetadata_db"),
  user: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/)
    .default("openmetadata_user"),
  params: databaseParams.optional(),
};
export const externalSearchShape = {
  engine: z.enum(SearchEngine).default("opensearch"),
  host: text,
  port: port.default(9200),
  scheme: z.enum(HttpScheme).default("http"),
  user: text.optional(),
};
export const ingressSchema = z
  .strictObject({
    className: text.default("nginx"),
    tls: z.enum(IngressTlsSource).default("cert-manager"),
    tlsSecretName: dnsLabel.optional(),
    clusterIssuer: text.default("letsencrypt"),
    issuer: text.optional(),
    stickySessions: z.boolean().default(false),
  })
  .prefault({});
export const kubernetesShape = {
  context: text.optional(),
  kubeconfig: text.optional(),
  namespace: dnsLabel.default("openmetadata"),
  // Its default depends on ingress.tls: resolved with the other derived defaults (config/index.ts).
  createNamespace: z.boolean().optional(),
  dependencies: z.enum(KubernetesDependencies).default("chart"),
  ingress: ingressSchema,
  storageClass: text.optional(),
  sharedStorageClass: text.optional(),
};
export const kubernetesConfigSchema = z.strictObject({
  ...kubernetesShape,
  database: z.strictObject(externalDatabaseShape).optional(),
  search: z.strictObject(externalSearchShape).optional(),
});
export const kubernetesSchema = z.strictObject({
  ...kubernetesShape,
  database: z
    .strictObject({ ...externalDatabaseShape, password: secretInput.optional() })
    .optional(),
  search: z.strictObject({ ...externalSearchShape, password: secretInput.optional() }).optional(),
});

/** The argument schema, one entry per top-level setting. */
export const argSchemas = {
  environment: z.enum(Environment).default("production"),
  publicUrl: text.meta({
    doc: "absolute `http(s)://host[:port]` origin, without path, query or trailing `/`; `https` unless `environment` is `local`",
    examples: {
      accepted: ["http://localhost:8585", "https://openmetadata.example.com"],
      refused: [
        "openmetadata.example.com",
        "http://localhost:8585/",
        "https://openmetadata.example.com/om",
        "ftp://x",
      ],
    },
  } satisfies Constraint),
  target: z.enum(Target),
  admins: z
    .array(text)
    .min(1)
    .meta({
      doc: "list of email addresses, at least 1, each listed once, all in one domain: `principalDomain`, or else the first admin's",
      examples: {
        accepted: [["demo@example.com"], ["demo@example.com", "ops@example.com"]],
        refused: [
          [],
          ["demo"],
          ["demo@example.com", "demo@example.com"],
          ["demo@example.com", "ops@example.org"],
        ],
      },
    } satisfies Constraint),
  principalDomain: text
    .meta({
      doc: "domain name, like `example.com`",
      examples: {
        accepted: ["example.com"],
        refused: ["localhost", "example.com/", "@example.com"],
      },
    } satisfies Constraint)
    .optional(),
  identity: identitySchema,
  keys: keysSchema,
  openmetadata: openMetadataSchema,
  docker: dockerSchema.optional(),
  kubernetes: kubernetesSchema.optional(),
  dataRetention: z.enum(DataRetention).default("retain"),
  protect: z.boolean().optional(),
  trustedCaCertificates: trustedCaCertificatesSchema.optional(),
};

/** The stack config schema: the arguments minus what comes from secret keys or provider config. */
export const configSchemas = {
  ...argSchemas,
  identity: identityConfigSchema,
  docker: dockerConfigSchema.optional(),
  kubernetes: kubernetesConfigSchema.optional(),
};

export type TopLevelKey = keyof typeof argSchemas;
export const TOP_LEVEL_KEYS = Object.keys(argSchemas) as TopLevelKey[];

/** Secret settings: each is a config key of its own, read with `requireSecret`. */
export const SECRET_KEYS = [
  { key: `${NAMESPACE}:clientSecret`, path: "identity.oidc.clientSecret" },
  { key: `${NAMESPACE}:initialAccessToken`, path: "identity.oidc.initialAccessToken" },
  { key: `${NAMESPACE}:tlsPrivateKey`, path: "docker.tls.privateKey" },
  { key: `${NAMESPACE}:databasePassword`, path: "kubernetes.database.password" },
  { key: `${NAMESPACE}:searchPassword`, path: "kubernetes.search.password" },
  { key: "onelogin:clientId", path: "identity.onelogin.apiClientId" },
  { key: "onelogin:clientSecret", path: "identity.onelogin.apiClientSecret" },
  { key: "onelogin:subdomain", path: "identity.onelogin.subdomain" },
] as const;

/**
 * Credentials of the provider SDKs, each a key its `config/vars` module reads: a plain-text value is
 * refused like a plain-text secret of ours.
 */
export const PROVIDER_SECRET_KEYS = [
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
] as const;

/** Settings the stack program takes from the identity provider's own config, never typed twice. */
export const PROVIDER_VALUES = [
  {
    key: "auth0:domain",
    env: "AUTH0_DOMAIN",
    path: "identity.auth0.domain",
    example: "acme.eu.auth0.com",
  },
  {
    key: "keycloak:url",
    env: "KEYCLOAK_URL",
    path: "identity.keycloak.url",
    example: "https://keycloak.example.com",
  },
  {
    key: "azuread:tenantId",
    env: "ARM_TENANT_ID",
    path: "identity.entra.tenantId",
    example: "00000000-0000-0000-0000-000000000000",
  },
] as const;

/** Arguments with every default applied; what the components consume. */
export type ResolvedSettings = Omit<
  z.output<z.ZodObject<typeof argSchemas>>,
  "principalDomain" | "keys" | "protect" | "docker" | "identity" | "kubernetes"
> & {
  principalDomain: string;
  keys: z.output<typeof keysSchema> & { issuer: string; protect: boolean };
  protect: boolean;
  identity: z.output<typeof identitySchema> & {
    localKeycloak?: z.output<typeof localKeycloakSchema>;
  };
  docker?: ResolvedDocker;
  kubernetes?: ResolvedKubernetes;
};

/** Kubernetes settings with `createNamespace` resolved from `ingress.tls`. */
export type ResolvedKubernetes = z.output<typeof kubernetesSchema> & { createNamespace: boolean };

/** Docker settings with the defaults that depend on `publicUrl` resolved. */
export type ResolvedDocker = z.output<typeof dockerSchema> & {
  httpPort: number;
  tls: z.output<typeof dockerSchema>["tls"] & { mode: DockerTlsMode; httpsPort: number };
};

/** Compile-time proof that the hand-written argument interfaces and the schema agree. */
export type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const argsMatchSchema: Mutual<
  Required<OpenMetadataSsoArgs>,
  Required<z.input<z.ZodObject<typeof argSchemas>>>
> = true;
void argsMatchSchema;
