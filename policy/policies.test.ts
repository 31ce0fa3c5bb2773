/**
 * The pack against what the program really registers, then each rule, passing and violated,
 * mandatory in production and advisory elsewhere.
 *
 * Stacks are evaluated under the mock runtime (the local stack; production stacks with Okta,
 * Auth0, Keycloak, Entra ID, OneLogin, RFC 7591 registration, on Docker and on Kubernetes) and
 * analyzed resource by resource as the engine does. Violations are made by changing one input of
 * one recorded resource. Variants the program never registers (chart values left to the chart's
 * defaults, secrets in ConfigMaps, PersistentVolumeClaims) are hand-built in the same shapes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SecretValue, UNKNOWN_VALUE } from "../scripts/offline";
import { validateArgs } from "../components/config";
import { useMocks } from "../test/support/pulumi";
import {
  changed,
  childInput,
  componentInput,
  evaluate,
  LOCAL_ARGS,
  message,
  OKTA_PRODUCTION_ARGS,
  PRODUCTION_COMPONENT,
  PROVIDER_ARGS,
  releaseInputs,
  releaseValues,
  setPath,
  withEnv,
} from "./fixtures";
import {
  analyze,
  fromRecorded,
  remediate,
  toWire,
  type PolicyInput,
  type Violation,
} from "./harness";
import { SHIPPED } from "./openmetadata";
import { policies } from "./policies";
import { OTHER_INGRESS_CONTROLLERS } from "./rules";

let production: PolicyInput[];
let local: PolicyInput[];
/** Production stacks of the other identity providers and of the Kubernetes target. */
let providers: Record<
  "kubernetes" | "auth0" | "keycloak" | "entra" | "onelogin" | "registration",
  PolicyInput[]
>;

beforeAll(async () => {
  useMocks();
  production = fromRecorded(await evaluate("om-prod", OKTA_PRODUCTION_ARGS));
  local = fromRecorded(await evaluate("om-local", LOCAL_ARGS));
  providers = {
    kubernetes: fromRecorded(await evaluate("k8s", PROVIDER_ARGS.kubernetes)),
    auth0: fromRecorded(await evaluate("auth0", PROVIDER_ARGS.auth0)),
    keycloak: fromRecorded(await evaluate("keycloak", PROVIDER_ARGS.keycloak)),
    entra: fromRecorded(await evaluate("entra", PROVIDER_ARGS.entra)),
    onelogin: fromRecorded(await evaluate("onelogin", PROVIDER_ARGS.onelogin)),
    registration: fromRecorded(await evaluate("registration", PROVIDER_ARGS.registration)),
  };
});

/** Violations of one rule (both variants). */
async function violationsOf(ruleId: string, resources: PolicyInput[]): Promise<Violation[]> {
  return (await analyze(policies, resources)).filter(
    (v) => v.policy === ruleId || v.policy === `${ruleId}-non-production`,
  );
}

/** Compares violations in resource order, whatever order the program registered them in. */
async function expectViolations(
  ruleId: string,
  resources: PolicyInput[],
  expected: Violation[],
): Promise<void> {
  const order = (a: Violation, b: Violation) => a.resource.localeCompare(b.resource);
  expect((await violationsOf(ruleId, resources)).sort(order)).toEqual([...expected].sort(order));
}

function mandatory(ruleId: string, resource: string, detail: string): Violation {
  return { policy: ruleId, level: "mandatory", resource, message: message(ruleId, detail) };
}

function advisory(ruleId: string, resource: string, detail: string): Violation {
  return {
    policy: `${ruleId}-non-production`,
    level: "advisory",
    resource,
    message: message(ruleId, detail),
  };
}

/** A Kubernetes stack: the component, then the given children under it. */
function kubernetesStack(
  children: (component: PolicyInput) => PolicyInput[],
  component: Record<string, unknown> = PRODUCTION_COMPONENT,
): PolicyInput[] {
  const top = componentInput("om", component);
  return [top, ...children(top)];
}

function release(values: Record<string, unknown>) {
  return (top: PolicyInput) => [
    childInput(top, "kubernetes:helm.sh/v3:Release", "om-k8s-openmetadata", releaseInputs(values)),
  ];
}

/** Release values with one path changed. */
function valuesWith(...changes: [string, unknown][]): Record<string, unknown> {
  const values = releaseValues();
  for (const [path, value] of changes) setPath(values, path, value);
  return values;
}

function env(resources: PolicyInput[], name: string, variable: string, value: string | undefined) {
  return changed(resources, name, (r) => ({
    inputs: { ...r.inputs, envs: withEnv(r.inputs.envs, variable, value) },
  }));
}

/**
 * One identity provider's registration changed in place: its stack, the changed resource, the
 * change, and what the rule reports about it.
 */
type RegistrationCase = [PolicyInput[], string, (inputs: Record<string, unknown>) => void, string];

/** Each case, alone, gets exactly one mandatory violation: its detail followed by `fix`. */
async function expectEachRefused(ruleId: string, cases: RegistrationCase[], fix: string) {
  for (const [resources, name, change, detail] of cases) {
    const violated = changed(resources, name, (r) => {
      change(r.inputs);
      return { inputs: r.inputs };
    });
    await expectViolations(ruleId, violated, [mandatory(ruleId, name, `${detail}. ${fix}`)]);
  }
}

const STAGING = { ...PRODUCTION_COMPONENT, environment: "staging" };

const byResource = (a: Violation, b: Violation) =>
  a.resource.localeCompare(b.resource) || a.policy.localeCompare(b.policy);

const HTTPS =
  "Browsers reach OpenMetadata and the identity provider over https: no plain-http public URL, callback or authority.";
const CLIENT_SECRET =
  "The OIDC client secret reaches OpenMetadata only as a secret: a Pulumi secret in a Docker container's env, a Secret (secretRef) on Kubernetes.";
const PROTECTED =
  "Volumes, volume claims, OpenMetadata's signing keys and passwords are protected from deletion.";
const KEYS_PROTECT = `${PROTECTED}\nprotect is off, so pulumi destroy or a replacement would delete this part of OpenMetadata's signing keys, fernet key and passwords. Set the resource option protect: true (the OpenMetadataSso component does in production).`;
const VOLUME_PROTECT = `${PROTECTED}\nprotect is off, so pulumi destroy or a replacement would delete this Docker volume and the data on it. Set the resource option protect: true (the OpenMetadataSso component does in production).`;
const SERVER_HTTP = `${HTTPS}\nenv AUTHENTICATION_AUTHORITY is "http://localhost:8081/realms/openmetadata"; env AUTHENTICATION_CALLBACK_URL is "http://localhost:8585/callback"; env OIDC_CALLBACK is "http://localhost:8585/callback"; env OIDC_SERVER_URL is "http://localhost:8585". Use https: browsers send sign-ins and tokens to these URLs.`;

describe("the policy pack", () => {
  it("registers every rule twice, mandatory in production and advisory elsewhere, and one remediation", () => {
    expect(policies.map((p) => [p.name, p.enforcementLevel, p.description])).toEqual([
      [
        "no-shipped-keys",
        "mandatory",
        "OpenMetadata's shipped key id, fernet key and conf/*.der key files reach no deployed resource.",
      ],
      [
        "no-shipped-keys-non-production",
        "advisory",
        "OpenMetadata's shipped key id, fernet key and conf/*.der key files reach no deployed resource.",
      ],
      [
        "no-basic-auth",
        "mandatory",
        "OpenMetadata signs users in through the identity provider, never with basic auth.",
      ],
      [
        "no-basic-auth-non-production",
        "advisory",
        "OpenMetadata signs users in through the identity provider, never with basic auth.",
      ],
      ["https-only", "mandatory", HTTPS],
      ["https-only-non-production", "advisory", HTTPS],
      ["client-secret-from-secret", "mandatory", CLIENT_SECRET],
      ["client-secret-from-secret-non-production", "advisory", CLIENT_SECRET],
      [
        "no-implicit-or-password-grant",
        "mandatory",
        "OpenMetadata's app at the identity provider allows the authorization code flow only: no implicit or password grant.",
      ],
      [
        "no-implicit-or-password-grant-non-production",
        "advisory",
        "OpenMetadata's app at the identity provider allows the authorization code flow only: no implicit or password grant.",
      ],
      [
        "sticky-sessions",
        "mandatory",
        "Before OpenMetadata 2.0 login sessions live in one server: more than one replica needs cookie affinity at the ingress.",
      ],
      [
        "sticky-sessions-non-production",
        "advisory",
        "Before OpenMetadata 2.0 login sessions live in one server: more than one replica needs cookie affinity at the ingress.",
      ],
      [
        "admins-in-principal-domain",
        "mandatory",
        "OpenMetadata's admins are in its principal domain, the one domain it lets users sign in from.",
      ],
      [
        "admins-in-principal-domain-non-production",
        "advisory",
        "OpenMetadata's admins are in its principal domain, the one domain it lets users sign in from.",
      ],
      ["data-protected", "mandatory", PROTECTED],
      ["data-protected-non-production", "advisory", PROTECTED],
      [
        "secret-env-encrypted",
        "remediate",
        "A container's OIDC_CLIENT_SECRET, FERNET_KEY, DB_USER_PASSWORD, ELASTICSEARCH_PASSWORD, AIRFLOW_PASSWORD entries are stored as Pulumi secrets.",
      ],
    ]);
  });

  it("passes a production Okta stack on Docker as the component registers it", async () => {
    expect(production.length).toBeGreaterThan(30);
    expect(await analyze(policies, production)).toEqual([]);
    expect(await remediate(policies, production)).toEqual([]);
  });

  it("passes production stacks of the other identity providers and of the Kubernetes target", async () => {
    for (const [name, resources] of Object.entries(providers)) {
      expect([name, await analyze(policies, resources)]).toEqual([name, []]);
    }
  });

  it("gives the local stack advisories only: plain http and unprotected data, by design", async () => {
    const violations = await analyze(policies, local);
    const advisory = (policy: string, resource: string, message: string): Violation => ({
      policy,
      level: "advisory",
      resource,
      message,
    });
    const expected: Violation[] = [
      advisory(
        "https-only-non-production",
        "om-local",
        `${HTTPS}\npublicUrl is "http://localhost:8585". Serve OpenMetadata at an https URL.`,
      ),
      advisory(
        "https-only-non-production",
        "om-local-keycloak-container",
        `${HTTPS}\nupload /opt/keycloak/data/import/openmetadata-realm.json, client "openmetadata": redirectUris has "http://localhost:8585/callback", "http://localhost:8585/auth/callback". Use https: browsers send sign-ins and tokens to these URLs.`,
      ),
      ...["om-local-docker-migrate", "om-local-docker-server"].map((resource) =>
        advisory("https-only-non-production", resource, SERVER_HTTP),
      ),
      ...["om-local-docker-db-data", "om-local-docker-search-data"].map((resource) =>
        advisory("data-protected-non-production", resource, VOLUME_PROTECT),
      ),
      ...[
        "key-id",
        "fernet-key",
        "signing-key",
        "database-password",
        "admin-password",
        "search-password",
        "airflow-password",
        "airflow-database-password",
      ].map((role) =>
        advisory("data-protected-non-production", `om-local-keys-${role}`, KEYS_PROTECT),
      ),
    ];
    expect(violations.sort(byResource)).toEqual(expected.sort(byResource));
    expect(await remediate(policies, local)).toEqual([]);
  });
});

describe("no-shipped-keys", () => {
  const rule = "no-shipped-keys";

  it("passes the production stack and chart values with generated keys", async () => {
    await expectViolations(rule, production, []);
    await expectViolations(rule, kubernetesStack(release(releaseValues())), []);
  });

  it("refuses the shipped key id and key path in a production container's env", async () => {
    let resources = env(production, "om-prod-docker-server", "JWT_KEY_ID", SHIPPED.keyId);
    resources = env(
      resources,
      "om-prod-docker-server",
      "RSA_PRIVATE_KEY_FILE_PATH",
      SHIPPED.privateKeyPath,
    );
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-docker-server",
        "env JWT_KEY_ID holds OpenMetadata's shipped key id Gb389a-9f76-gdjs-a92j-0242bk94356. Use a key id unique to this stack.",
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        "env RSA_PRIVATE_KEY_FILE_PATH holds OpenMetadata's shipped key path ./conf/private_key.der. Mount generated keys and point to them with absolute paths.",
      ),
    ]);
  });

  it("refuses an env that leaves the fernet key to OpenMetadata's default", async () => {
    const resources = env(production, "om-prod-docker-migrate", "FERNET_KEY", undefined);
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-docker-migrate",
        "env FERNET_KEY is not set, so OpenMetadata's shipped fernet key applies. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
    ]);
  });

  it("only advises on the local stack", async () => {
    const resources = env(local, "om-local-docker-server", "JWT_KEY_ID", SHIPPED.keyId);
    await expectViolations(rule, resources, [
      advisory(
        rule,
        "om-local-docker-server",
        "env JWT_KEY_ID holds OpenMetadata's shipped key id Gb389a-9f76-gdjs-a92j-0242bk94356. Use a key id unique to this stack.",
      ),
    ]);
  });

  it("refuses chart values that leave the key id, key paths and fernet key to the chart's defaults", async () => {
    const values = valuesWith(
      ["openmetadata.config.jwtTokenConfiguration", undefined],
      ["openmetadata.config.fernetkey", undefined],
    );
    await expectViolations(rule, kubernetesStack(release(values)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.jwtTokenConfiguration.keyId is not set, so OpenMetadata's shipped key id Gb389a-9f76-gdjs-a92j-0242bk94356 applies. Use a key id unique to this stack.",
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.fernetkey.value is not set, so OpenMetadata's shipped fernet key applies. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.jwtTokenConfiguration.rsaprivateKeyFilePath is not set, so OpenMetadata's shipped key path ./conf/private_key.der applies. Mount generated keys and point to them with absolute paths.",
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.jwtTokenConfiguration.rsapublicKeyFilePath is not set, so OpenMetadata's shipped key path ./conf/public_key.der applies. Mount generated keys and point to them with absolute paths.",
      ),
    ]);
  });

  it("finds the shipped values in Secret data (base64), ConfigMaps and extraEnvs", async () => {
    const values = valuesWith(["extraEnvs", [{ name: "JWT_KEY_ID", value: SHIPPED.keyId }]]);
    const resources = kubernetesStack((top) => [
      childInput(top, "kubernetes:core/v1:Secret", "om-k8s-fernet", {
        data: new SecretValue({ FERNET_KEY: Buffer.from(SHIPPED.fernetKey).toString("base64") }),
      }),
      childInput(top, "kubernetes:core/v1:ConfigMap", "om-k8s-config", {
        data: { "openmetadata.yaml": `rsapublicKeyFilePath: "${SHIPPED.publicKeyPath}"` },
      }),
      ...release(values)(top),
    ]);
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-k8s-fernet",
        "data.FERNET_KEY holds OpenMetadata's shipped fernet key. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
      mandatory(
        rule,
        "om-k8s-config",
        'data["openmetadata.yaml"] holds OpenMetadata\'s shipped key path ./conf/public_key.der. Mount generated keys and point to them with absolute paths.',
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values.extraEnvs[0].value holds OpenMetadata's shipped key id Gb389a-9f76-gdjs-a92j-0242bk94356. Use a key id unique to this stack.",
      ),
    ]);
  });
});

describe("no-shipped-keys, every form of the shipped values", () => {
  const rule = "no-shipped-keys";
  const PATH_FIX = "Mount generated keys and point to them with absolute paths.";

  it("refuses key paths under any directory named conf, in env entries and uploaded files", async () => {
    let resources = env(
      production,
      "om-prod-docker-server",
      "RSA_PRIVATE_KEY_FILE_PATH",
      "/opt/openmetadata/conf/private_key.der",
    );
    resources = env(
      resources,
      "om-prod-docker-server",
      "AUTHENTICATION_PUBLIC_KEYS",
      "[https://example.okta.com/oauth2/default/v1/keys,conf/public_key.der]",
    );
    resources = changed(resources, "om-prod-docker-server", (r) => ({
      inputs: {
        ...r.inputs,
        uploads: [
          ...(r.inputs.uploads as unknown[]),
          {
            file: "/opt/openmetadata/conf/openmetadata.yaml",
            content: `fernetConfiguration:\n  fernetKey: jJ_9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA\n`,
          },
        ],
      },
    }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-docker-server",
        `env RSA_PRIVATE_KEY_FILE_PATH holds OpenMetadata's shipped key path /opt/openmetadata/conf/private_key.der. ${PATH_FIX}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        `env AUTHENTICATION_PUBLIC_KEYS holds OpenMetadata's shipped key path conf/public_key.der. ${PATH_FIX}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        "upload /opt/openmetadata/conf/openmetadata.yaml holds OpenMetadata's shipped fernet key. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
    ]);
  });

  it("refuses them in Helm values lists, base64 Secret data with line breaks, and Docker secrets", async () => {
    const values = valuesWith([
      "openmetadata.config.authentication.publicKeys",
      ["https://openmetadata.example.com/api/v1/system/config/jwks", "./conf/public_key.der"],
    ]);
    const base64 = (text: string) =>
      Buffer.from(text)
        .toString("base64")
        .replace(/(.{16})/g, "$1\n");
    const resources = kubernetesStack((top) => [
      childInput(top, "kubernetes:core/v1:Secret", "om-k8s-jwt", {
        data: new SecretValue({ JWT_KEY_ID: base64(`kid=${SHIPPED.keyId}`) }),
      }),
      childInput(top, "docker:index/secret:Secret", "om-swarm-fernet", {
        name: "fernet",
        data: new SecretValue(Buffer.from(SHIPPED.fernetKey).toString("base64")),
      }),
      ...release(values)(top),
    ]);
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-k8s-jwt",
        `data.JWT_KEY_ID holds OpenMetadata's shipped key id ${SHIPPED.keyId}. Use a key id unique to this stack.`,
      ),
      mandatory(
        rule,
        "om-swarm-fernet",
        "data holds OpenMetadata's shipped fernet key. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values.openmetadata.config.authentication.publicKeys[1] holds OpenMetadata's shipped key path ./conf/public_key.der. ${PATH_FIX}`,
      ),
    ]);
  });

  it("refuses key paths with empty, . or .. segments, which open the same files", async () => {
    let resources = env(
      production,
      "om-prod-docker-server",
      "RSA_PRIVATE_KEY_FILE_PATH",
      "./conf//private_key.der",
    );
    resources = env(
      resources,
      "om-prod-docker-server",
      "RSA_PUBLIC_KEY_FILE_PATH",
      "/opt/openmetadata/conf/./public_key.der",
    );
    resources = env(
      resources,
      "om-prod-docker-server",
      "AUTHENTICATION_PUBLIC_KEYS",
      "[https://example.okta.com/oauth2/default/v1/keys,./conf/./public_key.der,conf/keys/../private_key.der]",
    );
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-docker-server",
        `env RSA_PRIVATE_KEY_FILE_PATH holds OpenMetadata's shipped key path ./conf//private_key.der. ${PATH_FIX}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        `env RSA_PUBLIC_KEY_FILE_PATH holds OpenMetadata's shipped key path /opt/openmetadata/conf/./public_key.der. ${PATH_FIX}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        `env AUTHENTICATION_PUBLIC_KEYS holds OpenMetadata's shipped key path ./conf/./public_key.der. ${PATH_FIX}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        `env AUTHENTICATION_PUBLIC_KEYS holds OpenMetadata's shipped key path conf/keys/../private_key.der. ${PATH_FIX}`,
      ),
    ]);
  });

  it("passes paths that only look like conf/ before they are normalised", async () => {
    let resources = env(
      production,
      "om-prod-docker-server",
      "RSA_PRIVATE_KEY_FILE_PATH",
      "/opt/openmetadata/conf/../jwtkeys/private_key.der",
    );
    resources = env(
      resources,
      "om-prod-docker-server",
      "RSA_PUBLIC_KEY_FILE_PATH",
      "/etc/conf/.//keys/public_key.der",
    );
    await expectViolations(rule, resources, []);
  });

  it("passes generated keys at absolute paths of their own, whatever the directory is called", async () => {
    const resources = env(
      production,
      "om-prod-docker-server",
      "RSA_PRIVATE_KEY_FILE_PATH",
      "/opt/openmetadata/myconf/private_key.der",
    );
    await expectViolations(rule, resources, []);
  });
});

describe("a server container whose env names none of its settings", () => {
  const BASIC_FIX =
    "Set it to the identity provider's type (okta, auth0, azure, google, aws-cognito or custom-oidc).";
  const server = "om-prod-docker-server";
  /** The production server with an empty env (OpenMetadata's defaults), and `inputs` changed. */
  const bare = (inputs: Record<string, unknown> = {}) =>
    changed(production, server, (r) => ({ inputs: { ...r.inputs, envs: [], ...inputs } }));
  const DEFAULTS = [
    mandatory(
      "no-shipped-keys",
      server,
      `env JWT_KEY_ID is not set, so OpenMetadata's shipped key id ${SHIPPED.keyId} applies. Use a key id unique to this stack.`,
    ),
    mandatory(
      "no-shipped-keys",
      server,
      "env FERNET_KEY is not set, so OpenMetadata's shipped fernet key applies. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
    ),
    mandatory(
      "no-shipped-keys",
      server,
      "env RSA_PRIVATE_KEY_FILE_PATH is not set, so OpenMetadata's shipped key path ./conf/private_key.der applies. Mount generated keys and point to them with absolute paths.",
    ),
    mandatory(
      "no-shipped-keys",
      server,
      "env RSA_PUBLIC_KEY_FILE_PATH is not set, so OpenMetadata's shipped key path ./conf/public_key.der applies. Mount generated keys and point to them with absolute paths.",
    ),
    mandatory(
      "no-basic-auth",
      server,
      `env AUTHENTICATION_PROVIDER is "basic" (the default: it is not set). ${BASIC_FIX}`,
    ),
  ];
  async function expectDefaultsRefused(resources: PolicyInput[], expected: Violation[]) {
    const found = (await analyze(policies, resources)).filter((v) =>
      ["no-shipped-keys", "no-basic-auth"].includes(v.policy.replace(/-non-production$/, "")),
    );
    expect(found).toEqual(expected);
  }

  it("is known by the component's server label, though its image is a pulled image's id", async () => {
    const container = production.find((r) => r.name === server)!;
    expect(container.inputs.image).toMatch(/^sha256:/);
    expect(container.inputs.labels).toContainEqual({
      label: "openmetadata-sso.role",
      value: "server",
    });
    await expectDefaultsRefused(bare(), DEFAULTS);
  });

  it("is known by OpenMetadata's server image from any registry, at a tag or a digest", async () => {
    for (const image of [
      "docker.getcollate.io/openmetadata/server:1.13.1",
      "openmetadata/server",
      `localhost:5000/openmetadata/server@sha256:${"0".repeat(64)}`,
    ]) {
      await expectDefaultsRefused(bare({ image, labels: [] }), DEFAULTS);
    }
  });

  it("passes containers that are not the server: other images and other roles, with no env", async () => {
    for (const image of [
      "docker.getcollate.io/openmetadata/ingestion:1.13.1",
      "example.com/notopenmetadata/server:1.13.1",
      "nginx:1.27.3-alpine",
    ]) {
      const labels = [{ label: "openmetadata-sso.role", value: "proxy" }];
      await expectDefaultsRefused(bare({ image, labels }), []);
    }
  });
});

describe("no-basic-auth", () => {
  const rule = "no-basic-auth";
  const FIX =
    "Set it to the identity provider's type (okta, auth0, azure, google, aws-cognito or custom-oidc).";

  it("passes the production stack and chart values with a provider", async () => {
    await expectViolations(rule, production, []);
    await expectViolations(rule, kubernetesStack(release(releaseValues())), []);
  });

  it("refuses basic auth in a production container", async () => {
    const resources = env(production, "om-prod-docker-server", "AUTHENTICATION_PROVIDER", "basic");
    await expectViolations(rule, resources, [
      mandatory(rule, "om-prod-docker-server", `env AUTHENTICATION_PROVIDER is "basic". ${FIX}`),
    ]);
  });

  it("advises when the local stack's env falls back to OpenMetadata's default", async () => {
    const resources = env(local, "om-local-docker-server", "AUTHENTICATION_PROVIDER", undefined);
    await expectViolations(rule, resources, [
      advisory(
        rule,
        "om-local-docker-server",
        `env AUTHENTICATION_PROVIDER is "basic" (the default: it is not set). ${FIX}`,
      ),
    ]);
  });

  it("refuses chart values without a provider, and an extraEnvs override to basic", async () => {
    const unset = valuesWith(["openmetadata.config.authentication.provider", undefined]);
    await expectViolations(rule, kubernetesStack(release(unset)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values openmetadata.config.authentication.provider is "basic" (the default: it is not set). ${FIX}`,
      ),
    ]);
    const overridden = valuesWith([
      "extraEnvs",
      [{ name: "AUTHENTICATION_PROVIDER", value: "basic" }],
    ]);
    await expectViolations(rule, kubernetesStack(release(overridden), STAGING), [
      advisory(
        rule,
        "om-k8s-openmetadata",
        `values extraEnvs AUTHENTICATION_PROVIDER is "basic". ${FIX}`,
      ),
    ]);
  });
});

describe("https-only", () => {
  const rule = "https-only";
  const USE_HTTPS = "Use https: browsers send sign-ins and tokens to these URLs.";

  it("passes the production stack and https chart values", async () => {
    await expectViolations(rule, production, []);
    await expectViolations(rule, kubernetesStack(release(releaseValues())), []);
  });

  it("refuses a plain-http publicUrl, callback and redirect URI in production", async () => {
    let resources = changed(production, "om-prod", (r) => ({
      inputs: { ...r.inputs, publicUrl: "http://openmetadata.example.com" },
    }));
    resources = env(
      resources,
      "om-prod-docker-server",
      "AUTHENTICATION_CALLBACK_URL",
      "http://openmetadata.example.com/callback",
    );
    resources = changed(resources, "om-prod-okta-app", (r) => ({
      inputs: { ...r.inputs, redirectUris: ["http://openmetadata.example.com/callback"] },
    }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod",
        'publicUrl is "http://openmetadata.example.com". Serve OpenMetadata at an https URL.',
      ),
      mandatory(
        rule,
        "om-prod-okta-app",
        `redirectUris has "http://openmetadata.example.com/callback". ${USE_HTTPS}`,
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        `env AUTHENTICATION_CALLBACK_URL is "http://openmetadata.example.com/callback". ${USE_HTTPS}`,
      ),
    ]);
  });

  it("reads the redirect URIs of every identity provider as its component registers them", async () => {
    const http = (uris: unknown) =>
      (uris as string[]).map((uri) => uri.replace("https://", "http://"));
    const cases: RegistrationCase[] = [
      [
        providers.auth0,
        "auth0-auth0-client",
        (inputs) => (inputs.callbacks = http(inputs.callbacks)),
        'callbacks has "http://openmetadata.example.com/callback", "http://openmetadata.example.com/auth/callback"',
      ],
      [
        providers.keycloak,
        "keycloak-keycloak-client",
        (inputs) => (inputs.validRedirectUris = http(inputs.validRedirectUris)),
        'validRedirectUris has "http://openmetadata.example.com/callback", "http://openmetadata.example.com/auth/callback"',
      ],
      [
        providers.entra,
        "entra-entra-app",
        (inputs) =>
          setPath(inputs, "web.redirectUris", ["http://openmetadata.example.com/callback"]),
        'web.redirectUris has "http://openmetadata.example.com/callback"',
      ],
      [
        providers.onelogin,
        "onelogin-onelogin-app",
        (inputs) => (inputs.loginUrl = "http://openmetadata.example.com/signin"),
        'loginUrl has "http://openmetadata.example.com/signin"',
      ],
      [
        providers.registration,
        "registration-oidc-registration",
        (inputs) =>
          setPath(inputs, "metadata.post_logout_redirect_uris", [
            "http://openmetadata.example.com/signin",
          ]),
        'metadata.post_logout_redirect_uris has "http://openmetadata.example.com/signin"',
      ],
    ];
    await expectEachRefused(rule, cases, USE_HTTPS);
  });

  it("refuses a confidential client left to the chart's http callback and server URL", async () => {
    const values = valuesWith(
      ["openmetadata.config.authentication.oidcConfiguration.callbackUrl", undefined],
      ["openmetadata.config.authentication.oidcConfiguration.serverUrl", undefined],
    );
    await expectViolations(rule, kubernetesStack(release(values), STAGING), [
      advisory(
        rule,
        "om-k8s-openmetadata",
        `values openmetadata.config.authentication.oidcConfiguration.callbackUrl is "http://openmetadata:8585/callback" (the default: it is not set); values openmetadata.config.authentication.oidcConfiguration.serverUrl is "http://openmetadata:8585" (the default: it is not set). ${USE_HTTPS}`,
      ),
    ]);
  });
});

describe("client-secret-from-secret", () => {
  const rule = "client-secret-from-secret";

  it("passes chart values that reference the client secret, and a public client", async () => {
    await expectViolations(rule, kubernetesStack(release(releaseValues())), []);
    const publicClient = valuesWith(
      ["openmetadata.config.authentication.clientType", "public"],
      ["openmetadata.config.authentication.oidcConfiguration", { enabled: false }],
    );
    await expectViolations(rule, kubernetesStack(release(publicClient)), []);
  });

  it("refuses the client secret as an extraEnvs value and a reference without a Secret", async () => {
    const values = valuesWith(
      [
        "extraEnvs",
        [
          { name: "CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME", value: "Okta" },
          { name: "OIDC_CLIENT_SECRET", value: "s3cr3t" },
        ],
      ],
      [
        "openmetadata.config.authentication.oidcConfiguration.clientSecret",
        { secretRef: "", secretKey: "openmetadata-oidc-client-secret" },
      ],
    );
    await expectViolations(rule, kubernetesStack(release(values)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values extraEnvs[1] sets OIDC_CLIENT_SECRET as a value. Remove it: the chart reads the secret from openmetadata.config.authentication.oidcConfiguration.clientSecret (secretRef, secretKey).",
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.authentication.oidcConfiguration.clientSecret lacks secretRef or secretKey. Name the Secret and the key that hold the client secret.",
      ),
    ]);
  });

  it("refuses an extraEnvs client secret taken from anything but a Secret", async () => {
    const values = valuesWith([
      "extraEnvs",
      [
        {
          name: "OIDC_CLIENT_SECRET",
          valueFrom: { configMapKeyRef: { name: "om-oidc", key: "client-secret" } },
        },
        { name: "OIDC_CLIENT_SECRET", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "OIDC_CLIENT_SECRET" },
      ],
    ]);
    const FIX =
      "Take it from a Secret with valueFrom.secretKeyRef, or remove it: the chart reads the secret from openmetadata.config.authentication.oidcConfiguration.clientSecret (secretRef, secretKey).";
    await expectViolations(rule, kubernetesStack(release(values)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values extraEnvs[0] takes OIDC_CLIENT_SECRET from valueFrom.configMapKeyRef, not from valueFrom.secretKeyRef. ${FIX}`,
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values extraEnvs[1] takes OIDC_CLIENT_SECRET from valueFrom.fieldRef, not from valueFrom.secretKeyRef. ${FIX}`,
      ),
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values extraEnvs[2] takes OIDC_CLIENT_SECRET from no Secret, not from valueFrom.secretKeyRef. ${FIX}`,
      ),
    ]);
  });

  it("passes an extraEnvs client secret taken from a Secret", async () => {
    const values = valuesWith([
      "extraEnvs",
      [
        {
          name: "OIDC_CLIENT_SECRET",
          valueFrom: { secretKeyRef: { name: "om-oidc", key: "client-secret" } },
        },
      ],
    ]);
    await expectViolations(rule, kubernetesStack(release(values)), []);
  });

  it("reads oidcConfiguration.enabled as Helm does, and refuses a client secret given as a plain value", async () => {
    const CLIENT_SECRET_PATH = "openmetadata.config.authentication.oidcConfiguration.clientSecret";
    const enabledByString = valuesWith(
      ["openmetadata.config.authentication.oidcConfiguration.enabled", "true"],
      [CLIENT_SECRET_PATH, { secretKey: "openmetadata-oidc-client-secret" }],
    );
    await expectViolations(rule, kubernetesStack(release(enabledByString)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        "values openmetadata.config.authentication.oidcConfiguration.clientSecret lacks secretRef or secretKey. Name the Secret and the key that hold the client secret.",
      ),
    ]);
    for (const enabled of [true, false]) {
      const plain = valuesWith(
        ["openmetadata.config.authentication.oidcConfiguration.enabled", enabled],
        [CLIENT_SECRET_PATH, "s3cr3t"],
      );
      await expectViolations(rule, kubernetesStack(release(plain)), [
        mandatory(
          rule,
          "om-k8s-openmetadata",
          "values openmetadata.config.authentication.oidcConfiguration.clientSecret is a plain value, not a reference to a Secret. Put the client secret in a Secret and name it with secretRef and secretKey.",
        ),
      ]);
    }
  });

  it("passes a reference without a Secret while the chart leaves the server-side flow off", async () => {
    for (const enabled of [false, "", 0]) {
      const off = valuesWith(
        ["openmetadata.config.authentication.oidcConfiguration.enabled", enabled],
        [
          "openmetadata.config.authentication.oidcConfiguration.clientSecret",
          { secretKey: "openmetadata-oidc-client-secret" },
        ],
      );
      await expectViolations(rule, kubernetesStack(release(off)), []);
    }
  });

  const PLAIN = (container: string) =>
    mandatory(
      rule,
      container,
      "env OIDC_CLIENT_SECRET arrives in plain text, not as a Pulumi secret. Pass the client secret as a secret: pulumi config set --secret, or pulumi.secret() in a program.",
    );

  it("passes Docker containers whose client secret is a Pulumi secret", async () => {
    for (const resources of [production, local]) {
      const entries = ["docker-migrate", "docker-server"].map((suffix) => {
        const container = resources.find((r) => r.name.endsWith(`-${suffix}`))!;
        return (container.inputs.envs as unknown[]).filter((entry) =>
          String(entry instanceof SecretValue ? entry.value : entry).startsWith(
            "OIDC_CLIENT_SECRET=",
          ),
        );
      });
      expect(entries.map((found) => found.map((entry) => entry instanceof SecretValue))).toEqual([
        [true],
        [true],
      ]);
      await expectViolations(rule, resources, []);
    }
  });

  it("refuses a production container's client secret in plain text, which the remediation also encrypts", async () => {
    const resources = env(production, "om-prod-docker-server", "OIDC_CLIENT_SECRET", "s3cr3t");
    await expectViolations(rule, resources, [PLAIN("om-prod-docker-server")]);
    expect((await remediate(policies, resources)).map((r) => [r.policy, r.resource])).toEqual([
      ["secret-env-encrypted", "om-prod-docker-server"],
    ]);
  });

  it("only advises outside production on a plain client secret in a container", async () => {
    const resources = env(local, "om-local-docker-migrate", "OIDC_CLIENT_SECRET", "s3cr3t");
    await expectViolations(rule, resources, [
      advisory(
        rule,
        "om-local-docker-migrate",
        "env OIDC_CLIENT_SECRET arrives in plain text, not as a Pulumi secret. Pass the client secret as a secret: pulumi config set --secret, or pulumi.secret() in a program.",
      ),
    ]);
  });

  it("refuses a container's client secret it cannot judge because the remediation is disabled", async () => {
    const withoutRemediation = policies.filter((p) => p.name !== "secret-env-encrypted");
    const violations = (await analyze(withoutRemediation, production)).filter(
      (v) => v.policy === rule || v.policy === `${rule}-non-production`,
    );
    const detail =
      "env OIDC_CLIENT_SECRET may be plain text: only the remediation secret-env-encrypted can tell a Pulumi secret from a plain value, and it did not run for this container. Leave secret-env-encrypted at its enforcement level remediate.";
    expect(violations).toEqual([
      mandatory(rule, "om-prod-docker-migrate", detail),
      mandatory(rule, "om-prod-docker-server", detail),
    ]);
  });

  it("advises outside production when a ConfigMap carries the client secret", async () => {
    const resources = kubernetesStack(
      (top) => [
        childInput(top, "kubernetes:core/v1:ConfigMap", "om-k8s-env", {
          data: { OIDC_CLIENT_SECRET: "s3cr3t" },
        }),
      ],
      STAGING,
    );
    await expectViolations(rule, resources, [
      advisory(
        rule,
        "om-k8s-env",
        "data.OIDC_CLIENT_SECRET puts the client secret in a ConfigMap. Keep it in a Secret.",
      ),
    ]);
  });
});

describe("no-implicit-or-password-grant", () => {
  const rule = "no-implicit-or-password-grant";
  const FIX = "Allow authorization_code (and refresh_token) only.";

  it("passes the apps the components register, for every identity provider", async () => {
    for (const resources of [production, local, ...Object.values(providers)]) {
      await expectViolations(rule, resources, []);
    }
  });

  it("refuses implicit and password grants at Okta in production", async () => {
    const resources = changed(production, "om-prod-okta-app", (r) => ({
      inputs: {
        ...r.inputs,
        grantTypes: ["authorization_code", "implicit", "password"],
        responseTypes: ["code", "token"],
      },
    }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-okta-app",
        `grantTypes includes "implicit"; grantTypes includes "password"; responseTypes includes "token". ${FIX}`,
      ),
    ]);
  });

  it("refuses them at Auth0, Keycloak, Entra ID and through registration", async () => {
    const cases: RegistrationCase[] = [
      [
        providers.auth0,
        "auth0-auth0-client",
        (inputs) =>
          (inputs.grantTypes = [
            "authorization_code",
            "http://auth0.com/oauth/grant-type/password-realm",
          ]),
        'grantTypes includes "http://auth0.com/oauth/grant-type/password-realm"',
      ],
      [
        providers.keycloak,
        "keycloak-keycloak-client",
        (inputs) => {
          inputs.implicitFlowEnabled = true;
          inputs.directAccessGrantsEnabled = true;
        },
        "implicitFlowEnabled is true; directAccessGrantsEnabled is true",
      ],
      [
        providers.entra,
        "entra-entra-app",
        (inputs) => setPath(inputs, "web.implicitGrant.idTokenIssuanceEnabled", true),
        "web.implicitGrant.idTokenIssuanceEnabled is true",
      ],
      [
        providers.registration,
        "registration-oidc-registration",
        (inputs) => {
          setPath(inputs, "metadata.grant_types", ["implicit"]);
          setPath(inputs, "metadata.response_types", ["id_token token"]);
        },
        'metadata.grant_types includes "implicit"; metadata.response_types includes "id_token token"',
      ],
    ];
    await expectEachRefused(rule, cases, FIX);
  });

  it("reads the realm the local Keycloak imports, and only advises there", async () => {
    const resources = changed(local, "om-local-keycloak-container", (r) => {
      const uploads = r.inputs.uploads as { file: string; content: SecretValue }[];
      const realm = JSON.parse(uploads[0].content.value as string) as {
        clients: Record<string, unknown>[];
      };
      realm.clients[0].implicitFlowEnabled = true;
      return {
        inputs: {
          ...r.inputs,
          uploads: [{ ...uploads[0], content: new SecretValue(JSON.stringify(realm)) }],
        },
      };
    });
    await expectViolations(rule, resources, [
      advisory(
        rule,
        "om-local-keycloak-container",
        `upload /opt/keycloak/data/import/openmetadata-realm.json, client "openmetadata": implicitFlowEnabled is true. ${FIX}`,
      ),
    ]);
  });
});

describe("the local Keycloak's realm given as contentBase64", () => {
  /** The local stack in production, its realm uploaded base64-encoded, changed by `edit`. */
  const encoded = (edit: (client: Record<string, unknown>) => void) =>
    changed(local, "om-local-keycloak-container", (r) => {
      const uploads = r.inputs.uploads as { file: string; content: SecretValue }[];
      const realm = JSON.parse(uploads[0].content.value as string) as {
        clients: Record<string, unknown>[];
      };
      edit(realm.clients[0]);
      const contentBase64 = Buffer.from(JSON.stringify(realm)).toString("base64");
      return {
        inputs: {
          ...r.inputs,
          uploads: [{ file: uploads[0].file, contentBase64: new SecretValue(contentBase64) }],
        },
      };
    }).map((r) =>
      r.type === "openmetadata-sso:index:OpenMetadataSso"
        ? { ...r, inputs: { ...r.inputs, environment: "production" } }
        : r,
    );
  const WHERE = 'upload /opt/keycloak/data/import/openmetadata-realm.json, client "openmetadata":';

  it("refuses implicit and password grants and plain-http redirects in it in production", async () => {
    const resources = encoded((client) => {
      client.implicitFlowEnabled = true;
      client.directAccessGrantsEnabled = true;
    });
    await expectViolations("no-implicit-or-password-grant", resources, [
      mandatory(
        "no-implicit-or-password-grant",
        "om-local-keycloak-container",
        `${WHERE} implicitFlowEnabled is true; ${WHERE} directAccessGrantsEnabled is true. Allow authorization_code (and refresh_token) only.`,
      ),
    ]);
    const violations = await violationsOf("https-only", resources);
    expect(violations.filter((v) => v.resource === "om-local-keycloak-container")).toEqual([
      mandatory(
        "https-only",
        "om-local-keycloak-container",
        `${WHERE} redirectUris has "http://localhost:8585/callback", "http://localhost:8585/auth/callback". Use https: browsers send sign-ins and tokens to these URLs.`,
      ),
    ]);
  });

  it("passes the realm the component writes, and https redirects, encoded the same way", async () => {
    const resources = encoded((client) => {
      client.redirectUris = ["https://om.example.com/callback"];
    });
    await expectViolations("no-implicit-or-password-grant", resources, []);
    const violations = await violationsOf("https-only", resources);
    expect(violations.filter((v) => v.resource === "om-local-keycloak-container")).toEqual([]);
  });
});

describe("sticky-sessions", () => {
  const rule = "sticky-sessions";
  const DETAIL = (version: string) =>
    `values replicaCount is 3 with OpenMetadata ${version}, but the chart's ingress has no cookie affinity, so logins fail with "Missing state parameter". Enable values ingress with the annotation nginx.ingress.kubernetes.io/affinity: cookie, or run one replica.`;

  it("passes one replica, cookie affinity, and OpenMetadata 2", async () => {
    const cases = [
      releaseInputs(releaseValues()),
      releaseInputs(
        valuesWith(
          ["replicaCount", 3],
          ["ingress.annotations", { "nginx.ingress.kubernetes.io/affinity": "cookie" }],
        ),
      ),
      { ...releaseInputs(valuesWith(["replicaCount", 3])), version: "2.0.0" },
    ];
    for (const inputs of cases) {
      const resources = kubernetesStack((top) => [
        childInput(top, "kubernetes:helm.sh/v3:Release", "om-k8s-openmetadata", inputs),
      ]);
      await expectViolations(rule, resources, []);
    }
  });

  it("refuses several replicas without affinity in production", async () => {
    const values = valuesWith(["replicaCount", 3]);
    await expectViolations(rule, kubernetesStack(release(values)), [
      mandatory(rule, "om-k8s-openmetadata", DETAIL("1.13.1")),
    ]);
  });

  it("takes the version from the component when the release names none, and advises outside production", async () => {
    const values = valuesWith(
      ["replicaCount", 3],
      ["ingress.enabled", false],
      ["ingress.annotations", { "nginx.ingress.kubernetes.io/affinity": "cookie" }],
    );
    const inputs = { ...releaseInputs(values), version: undefined };
    const stack = (component: Record<string, unknown>) =>
      kubernetesStack(
        (top) => [childInput(top, "kubernetes:helm.sh/v3:Release", "om-k8s-openmetadata", inputs)],
        component,
      );
    await expectViolations(rule, stack({ ...STAGING, version: "1.12.4" }), [
      advisory(rule, "om-k8s-openmetadata", DETAIL("1.12.4")),
    ]);
    await expectViolations(rule, stack({ ...STAGING, version: "2.1.0" }), []);
  });
});

describe("sticky-sessions, the ingress controller and the autoscaler", () => {
  const rule = "sticky-sessions";
  const AFFINITY = { "nginx.ingress.kubernetes.io/affinity": "cookie" };
  const NO_AFFINITY =
    'but the chart\'s ingress has no cookie affinity, so logins fail with "Missing state parameter". Enable values ingress with the annotation nginx.ingress.kubernetes.io/affinity: cookie, or run one replica.';

  it("knows the ingress classes the component refuses sticky sessions with, by the same names", () => {
    expect([...OTHER_INGRESS_CONTROLLERS.keys()].length).toBe(10);
    for (const [className, controller] of OTHER_INGRESS_CONTROLLERS) {
      const args = {
        ...PROVIDER_ARGS.kubernetes,
        kubernetes: { ingress: { className, stickySessions: true } },
      };
      expect(() => validateArgs(args)).toThrow(
        `got ingress.className "${className}", which is ${controller} and ignores them`,
      );
    }
    expect(() =>
      validateArgs({
        ...PROVIDER_ARGS.kubernetes,
        kubernetes: { ingress: { className: "nginx", stickySessions: true } },
      }),
    ).not.toThrow();
  });

  it("refuses cookie affinity on a class whose controller ignores the ingress-nginx annotations", async () => {
    const traefik = valuesWith(
      ["replicaCount", 3],
      ["ingress.className", "traefik"],
      ["ingress.annotations", AFFINITY],
    );
    await expectViolations(rule, kubernetesStack(release(traefik)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        'values replicaCount is 3 with OpenMetadata 1.13.1, but values ingress.className is "traefik", which is Traefik and ignores the ingress-nginx annotation nginx.ingress.kubernetes.io/affinity, so logins fail with "Missing state parameter". Use an ingress-nginx class, or run one replica.',
      ),
    ]);
    const legacy = valuesWith(
      ["replicaCount", 2],
      ["ingress.className", ""],
      ["ingress.annotations", { ...AFFINITY, "kubernetes.io/ingress.class": "gce" }],
    );
    await expectViolations(rule, kubernetesStack(release(legacy), STAGING), [
      advisory(
        rule,
        "om-k8s-openmetadata",
        'values replicaCount is 2 with OpenMetadata 1.13.1, but values ingress.annotations["kubernetes.io/ingress.class"] is "gce", which is GKE\'s load balancer and ignores the ingress-nginx annotation nginx.ingress.kubernetes.io/affinity, so logins fail with "Missing state parameter". Use an ingress-nginx class, or run one replica.',
      ),
    ]);
  });

  it("counts cookie affinity on nginx, on a class it does not know, and on the cluster's default class", async () => {
    for (const className of ["nginx", "nginx-internal", "", undefined]) {
      const values = valuesWith(
        ["replicaCount", 3],
        ["ingress.className", className],
        ["ingress.annotations", AFFINITY],
      );
      await expectViolations(rule, kubernetesStack(release(values)), []);
    }
  });

  it("counts the autoscaler's maximum as the replicas", async () => {
    const scaled = (hpa: Record<string, unknown>) =>
      kubernetesStack(release(valuesWith(["replicaCount", 1], ["hpa", hpa])));
    await expectViolations(rule, scaled({ enabled: true, maxReplicas: 4 }), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values hpa.enabled is true (up to 4 replicas) with OpenMetadata 1.13.1, ${NO_AFFINITY}`,
      ),
    ]);
    await expectViolations(rule, scaled({ enabled: true }), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        `values hpa.enabled is true (up to the chart's default hpa.maxReplicas) with OpenMetadata 1.13.1, ${NO_AFFINITY}`,
      ),
    ]);
    await expectViolations(rule, scaled({ enabled: true, maxReplicas: 1 }), []);
    await expectViolations(rule, scaled({ enabled: false, maxReplicas: 4 }), []);
  });

  it('reads hpa.enabled as Helm does: any non-empty string, even "false", and a non-zero number', async () => {
    const scaled = (hpa: Record<string, unknown>) =>
      kubernetesStack(release(valuesWith(["replicaCount", 1], ["hpa", hpa])));
    for (const enabled of ["true", "false", "no", 1]) {
      await expectViolations(rule, scaled({ enabled, maxReplicas: 4 }), [
        mandatory(
          rule,
          "om-k8s-openmetadata",
          `values hpa.enabled is ${JSON.stringify(enabled)}, which Helm reads as true (up to 4 replicas) with OpenMetadata 1.13.1, ${NO_AFFINITY}`,
        ),
      ]);
    }
    for (const enabled of [false, "", 0, null]) {
      await expectViolations(rule, scaled({ enabled, maxReplicas: 4 }), []);
    }
  });
});

describe("admins-in-principal-domain", () => {
  const rule = "admins-in-principal-domain";

  it("passes the production stack and chart values with the admins", async () => {
    await expectViolations(rule, production, []);
    await expectViolations(rule, kubernetesStack(release(releaseValues())), []);
  });

  it("refuses an admin outside the principal domain in the component's inputs", async () => {
    const resources = changed(production, "om-prod", (r) => ({
      inputs: { ...r.inputs, admins: ["alice@example.com", "bob@other.org"] },
    }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod",
        'admins[1] "bob@other.org" is not in the principal domain "example.com", so this admin could never sign in.',
      ),
    ]);
  });

  it("refuses a deployed principal domain that is not the admins' domain", async () => {
    const resources = env(
      production,
      "om-prod-docker-server",
      "AUTHORIZER_PRINCIPAL_DOMAIN",
      "other.org",
    );
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-docker-server",
        'env AUTHORIZER_PRINCIPAL_DOMAIN is "other.org", but the admins are in "example.com".',
      ),
      mandatory(
        rule,
        "om-prod-docker-server",
        'env AUTHORIZER_ADMIN_PRINCIPALS names "alice", that is alice@other.org, who is not one of the admins (alice@example.com).',
      ),
    ]);
  });

  it("refuses chart values left to the chart's admin and domain, and advises outside production", async () => {
    const values = valuesWith(["openmetadata.config.authorizer", undefined]);
    await expectViolations(rule, kubernetesStack(release(values), STAGING), [
      advisory(
        rule,
        "om-k8s-openmetadata",
        'values openmetadata.config.authorizer.principalDomain is "open-metadata.org" (the default: it is not set), but the admins are in "example.com".',
      ),
      advisory(
        rule,
        "om-k8s-openmetadata",
        'values openmetadata.config.authorizer.initialAdmins names "admin" (the default: it is not set), that is admin@open-metadata.org, who is not one of the admins (alice@example.com).',
      ),
    ]);
  });

  it("refuses an admin principal with another domain", async () => {
    const values = valuesWith([
      "openmetadata.config.authorizer.initialAdmins",
      ["alice", "bob@elsewhere.com"],
    ]);
    await expectViolations(rule, kubernetesStack(release(values)), [
      mandatory(
        rule,
        "om-k8s-openmetadata",
        'values openmetadata.config.authorizer.initialAdmins names "bob@elsewhere.com", outside the principal domain "example.com".',
      ),
    ]);
  });
});

describe("data-protected", () => {
  const rule = "data-protected";
  const DETAIL = (kind: string) =>
    `protect is off, so pulumi destroy or a replacement would delete this ${kind}. Set the resource option protect: true (the OpenMetadataSso component does in production).`;

  it("passes the production stack, whose data and keys the component protects", async () => {
    expect(
      production
        .filter((r) => r.protect)
        .map((r) => r.name)
        .sort(),
    ).toEqual(
      [
        "om-prod-docker-db-data",
        "om-prod-docker-search-data",
        "om-prod-keys-admin-password",
        "om-prod-keys-airflow-database-password",
        "om-prod-keys-airflow-password",
        "om-prod-keys-database-password",
        "om-prod-keys-fernet-key",
        "om-prod-keys-key-id",
        "om-prod-keys-search-password",
        "om-prod-keys-signing-key",
      ].sort(),
    );
    await expectViolations(rule, production, []);
  });

  it("refuses an unprotected volume and signing key in production", async () => {
    let resources = changed(production, "om-prod-docker-db-data", () => ({ protect: false }));
    resources = changed(resources, "om-prod-keys-signing-key", () => ({ protect: false }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-prod-keys-signing-key",
        DETAIL("part of OpenMetadata's signing keys, fernet key and passwords"),
      ),
      mandatory(rule, "om-prod-docker-db-data", DETAIL("Docker volume and the data on it")),
    ]);
  });

  it("lets a rotation's keys.protect: false unprotect the key pair and key id, and nothing else", async () => {
    const rotating = fromRecorded(
      await evaluate("om-rot", { ...OKTA_PRODUCTION_ARGS, keys: { protect: false } }),
    );
    expect(
      rotating
        .filter((r) => !r.protect && r.name.startsWith("om-rot-keys-"))
        .map((r) => r.name)
        .sort(),
    ).toEqual(["om-rot-keys-key-id", "om-rot-keys-signing-key"]);
    await expectViolations(rule, rotating, []);

    const fernet = changed(rotating, "om-rot-keys-fernet-key", () => ({ protect: false }));
    await expectViolations(rule, fernet, [
      mandatory(
        rule,
        "om-rot-keys-fernet-key",
        DETAIL("part of OpenMetadata's signing keys, fernet key and passwords"),
      ),
    ]);
  });

  it("refuses a production stack that sets protect: false, and only advises on staging", async () => {
    const kinds = {
      "docker-db-data": DETAIL("Docker volume and the data on it"),
      "docker-search-data": DETAIL("Docker volume and the data on it"),
      ...Object.fromEntries(
        [
          "key-id",
          "fernet-key",
          "signing-key",
          "database-password",
          "admin-password",
          "search-password",
          "airflow-password",
          "airflow-database-password",
        ].map((role) => [
          `keys-${role}`,
          DETAIL("part of OpenMetadata's signing keys, fernet key and passwords"),
        ]),
      ),
    };
    const unprotected = fromRecorded(
      await evaluate("om-off", { ...OKTA_PRODUCTION_ARGS, protect: false }),
    );
    expect(unprotected.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
    await expectViolations(
      rule,
      unprotected,
      Object.entries(kinds).map(([suffix, detail]) => mandatory(rule, `om-off-${suffix}`, detail)),
    );
    const staging = fromRecorded(
      await evaluate("om-stg", { ...OKTA_PRODUCTION_ARGS, environment: "staging" }),
    );
    await expectViolations(
      rule,
      staging,
      Object.entries(kinds).map(([suffix, detail]) => advisory(rule, `om-stg-${suffix}`, detail)),
    );
  });

  it("keeps the key Secret, the namespace and the data protected on Kubernetes when keys.protect is false", async () => {
    const rotating = fromRecorded(
      await evaluate("rot", { ...PROVIDER_ARGS.kubernetes, keys: { protect: false } }),
    );
    const protectOf = (name: string) => rotating.find((r) => r.name === name)?.protect;
    expect(
      [
        "rot-keys-key-id",
        "rot-keys-signing-key",
        "rot-keys-fernet-key",
        "rot-keys-database-password",
        "rot-k8s-jwt-private-key",
        "rot-k8s-namespace",
        "rot-k8s-dependencies",
      ].map((name) => [name, protectOf(name)]),
    ).toEqual([
      ["rot-keys-key-id", false],
      ["rot-keys-signing-key", false],
      ["rot-keys-fernet-key", true],
      ["rot-keys-database-password", true],
      ["rot-k8s-jwt-private-key", true],
      ["rot-k8s-namespace", true],
      ["rot-k8s-dependencies", true],
    ]);
    await expectViolations(rule, rotating, []);
    const secret = changed(rotating, "rot-k8s-jwt-private-key", () => ({ protect: false }));
    await expectViolations(rule, secret, [
      mandatory(rule, "rot-k8s-jwt-private-key", DETAIL("Secret with OpenMetadata's signing key")),
    ]);
  });

  it("refuses an unprotected dependencies release, whose claims hold the data", async () => {
    const resources = changed(providers.kubernetes, "k8s-k8s-dependencies", () => ({
      protect: false,
    }));
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "k8s-k8s-dependencies",
        DETAIL("release of the database and search engine, whose volume claims hold the data"),
      ),
    ]);
  });

  it("refuses unprotected claims, the key Secret and the namespace on Kubernetes", async () => {
    const resources = kubernetesStack((top) => [
      childInput(top, "kubernetes:core/v1:Namespace", "om-k8s-namespace", {
        metadata: { name: "openmetadata" },
      }),
      childInput(top, "kubernetes:core/v1:Secret", "om-k8s-jwt-private-key", {
        data: new SecretValue({ "private_key.der": "MIIE" }),
      }),
      childInput(top, "kubernetes:core/v1:Secret", "om-k8s-oidc", {
        stringData: new SecretValue({ "openmetadata-oidc-client-secret": "s3cr3t" }),
      }),
      childInput(top, "kubernetes:core/v1:PersistentVolumeClaim", "om-k8s-data", {
        spec: { accessModes: ["ReadWriteOnce"] },
      }),
      childInput(top, "kubernetes:core/v1:PersistentVolumeClaim", "om-k8s-kept", {}, true),
    ]);
    await expectViolations(rule, resources, [
      mandatory(
        rule,
        "om-k8s-namespace",
        DETAIL("namespace and every volume claim and Secret in it"),
      ),
      mandatory(rule, "om-k8s-jwt-private-key", DETAIL("Secret with OpenMetadata's signing key")),
      mandatory(rule, "om-k8s-data", DETAIL("persistent volume claim and the data on it")),
    ]);
  });
});

describe("the Kubernetes target, as it registers its resources", () => {
  const RELEASE = "k8s-k8s-openmetadata";

  /** The recorded stack with the OpenMetadata release's values changed. */
  function withValues(change: (values: Record<string, unknown>) => void): PolicyInput[] {
    return changed(providers.kubernetes, RELEASE, (r) => {
      const values = r.inputs.values as Record<string, unknown>;
      change(values);
      return { inputs: { ...r.inputs, values } };
    });
  }

  it("refuses several replicas once the ingress loses its cookie affinity", async () => {
    const resources = withValues((values) =>
      setPath(values, "ingress.annotations", { "cert-manager.io/cluster-issuer": "letsencrypt" }),
    );
    await expectViolations("sticky-sessions", resources, [
      mandatory(
        "sticky-sessions",
        RELEASE,
        `values replicaCount is 3 with OpenMetadata 1.13.1, but the chart's ingress has no cookie affinity, so logins fail with "Missing state parameter". Enable values ingress with the annotation nginx.ingress.kubernetes.io/affinity: cookie, or run one replica.`,
      ),
    ]);
  });

  it("refuses the shipped fernet key and a client secret as a value in the release", async () => {
    const resources = withValues((values) => {
      setPath(values, "openmetadata.config.fernetkey", { value: SHIPPED.fernetKey });
      values.extraEnvs = [
        ...(values.extraEnvs as unknown[]),
        { name: "OIDC_CLIENT_SECRET", value: "x" },
      ];
    });
    await expectViolations("no-shipped-keys", resources, [
      mandatory(
        "no-shipped-keys",
        RELEASE,
        "values.openmetadata.config.fernetkey.value holds OpenMetadata's shipped fernet key. Use a generated fernet key: anyone can decrypt what the shipped one encrypts.",
      ),
    ]);
    await expectViolations("client-secret-from-secret", resources, [
      mandatory(
        "client-secret-from-secret",
        RELEASE,
        "values extraEnvs[7] sets OIDC_CLIENT_SECRET as a value. Remove it: the chart reads the secret from openmetadata.config.authentication.oidcConfiguration.clientSecret (secretRef, secretKey).",
      ),
    ]);
  });

  it("refuses the key Secret and the namespace without protection", async () => {
    let resources = changed(providers.kubernetes, "k8s-k8s-jwt-private-key", () => ({
      protect: false,
    }));
    resources = changed(resources, "k8s-k8s-namespace", () => ({ protect: false }));
    const detail = (kind: string) =>
      `protect is off, so pulumi destroy or a replacement would delete this ${kind}. Set the resource option protect: true (the OpenMetadataSso component does in production).`;
    await expectViolations("data-protected", resources, [
      mandatory(
        "data-protected",
        "k8s-k8s-namespace",
        detail("namespace and every volume claim and Secret in it"),
      ),
      mandatory(
        "data-protected",
        "k8s-k8s-jwt-private-key",
        detail("Secret with OpenMetadata's signing key"),
      ),
    ]);
  });
});

describe("during preview", () => {
  it("reports that a check needing an unknown env waits for the update, as an advisory", async () => {
    const resources = changed(production, "om-prod-docker-server", (r) => ({
      inputs: { ...r.inputs, envs: UNKNOWN_VALUE },
    }));
    const violations = (await analyze(policies, resources)).filter(
      (v) => v.resource === "om-prod-docker-server",
    );
    expect(violations).toEqual(
      [
        "no-shipped-keys",
        "no-basic-auth",
        "https-only",
        "client-secret-from-secret",
        "admins-in-principal-domain",
      ].map((policy) => ({
        policy,
        level: "advisory",
        resource: "om-prod-docker-server",
        message: `can't run policy '${policy}' from policy pack 'openmetadata-sso-guardrails@v0.1.0' during preview: string value at .envs can't be known during preview`,
      })),
    );
  });
});

describe("secret-env-encrypted", () => {
  it("makes a plain client secret in a container's env a Pulumi secret, and leaves the rest", async () => {
    const resources = env(production, "om-prod-docker-server", "OIDC_CLIENT_SECRET", "plain-value");
    const server = resources.find((r) => r.name === "om-prod-docker-server")!;
    const envs = server.inputs.envs as unknown[];
    expect(await remediate(policies, resources)).toEqual([
      {
        policy: "secret-env-encrypted",
        resource: "om-prod-docker-server",
        diagnostic: "",
        inputs: toWire({
          ...server.inputs,
          envs: [...envs.slice(0, -1), new SecretValue("OIDC_CLIENT_SECRET=plain-value")],
        }),
      },
    ]);
  });

  it("changes nothing when the entries are secrets already, or the env is unknown", async () => {
    expect(await remediate(policies, production)).toEqual([]);
    const unknown = changed(production, "om-prod-docker-server", (r) => ({
      inputs: { ...r.inputs, envs: UNKNOWN_VALUE },
    }));
    expect(await remediate(policies, unknown)).toEqual([]);
  });
});

describe("a production Docker stack that rotates its signing key", () => {
  it("passes the whole pack: the bot token regeneration one-shot is not judged as a server", async () => {
    const rotated = fromRecorded(
      await evaluate("om-rot27", {
        ...OKTA_PRODUCTION_ARGS,
        keys: { rotation: "2027", protect: false },
      }),
    );
    const regeneration = rotated.find(
      (r) => r.name === "om-rot27-docker-regenerate-bot-tokens-2027",
    );
    expect(regeneration?.type).toBe("docker:index/container:Container");
    expect(await analyze(policies, rotated)).toEqual([]);
    // The regeneration's label is what tells it apart: the same container without it is a server
    // with OpenMetadata's sign-in defaults, and is refused.
    const unlabelled = changed(rotated, "om-rot27-docker-regenerate-bot-tokens-2027", (r) => ({
      inputs: { ...r.inputs, labels: [] },
    }));
    expect(
      (await analyze(policies, unlabelled)).map((v) => `${v.policy} ${v.resource}`).sort(),
    ).toEqual([
      "admins-in-principal-domain om-rot27-docker-regenerate-bot-tokens-2027",
      "admins-in-principal-domain om-rot27-docker-regenerate-bot-tokens-2027",
      "no-basic-auth om-rot27-docker-regenerate-bot-tokens-2027",
    ]);
  });
});
