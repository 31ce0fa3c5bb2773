import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateArgs } from "../components/config";
import { containerNames, dockerTopology } from "../components/docker";
import { kubernetesTopology } from "../components/kubernetes";
import type { IdentityFacts } from "../components/identity/types";
import { bareMetalSnippet, type OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import {
  adminPrincipals,
  authorityOf,
  botTokenEnv,
  javaProxyEnv,
  javaProxyOptions,
  nonProxyHosts,
  flowList,
  formatEnvFile,
  isSecretRef,
  KEY_PATHS,
  parseFlowList,
  resolveEnv,
  OIDC_REQUIRED_DEFAULTS,
  SECURITY_YAML_KEYS,
  securityEnv,
  securityYaml,
  serverEnv,
  SHIPPED_DEFAULTS,
  workflowConfig,
  type SecurityInput,
  type ServerEnv,
} from "../components/settings";
import { localStackArgs } from "./support/args";

const KEY_ID = "3f1c2b7a-0d4e-4c9a-9b1e-5a6f7c8d9e0f";

function input(
  identity: Partial<IdentityFacts> &
    Pick<IdentityFacts, "openMetadataProvider" | "providerName" | "issuer">,
  clientType: "confidential" | "public",
): SecurityInput {
  return {
    publicUrl: "https://om.example.com",
    internalUrl: "http://openmetadata:8585",
    identity: {
      clientId: "client-123",
      discoveryUrl: `${identity.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      jwksUrl: "https://idp.example.com/keys",
      clientType,
      tokenEndpointAuthMethod: clientType === "public" ? "none" : "client_secret_post",
      pkce: true,
      redirectUris: ["https://om.example.com/callback", "https://om.example.com/auth/callback"],
      ...identity,
    },
    admins: ["Alice@example.com", "bob@example.com"],
    principalDomain: "example.com",
    enableSelfSignup: true,
    principalClaims: ["email", "preferred_username", "sub"],
    jwt: {
      keyId: KEY_ID,
      issuer: "om.example.com",
      privateKeyPath: KEY_PATHS.privateKey,
      publicKeyPath: KEY_PATHS.publicKey,
    },
    behindTlsProxy: true,
  };
}

/** Everything every client gets, whatever the provider. */
const COMMON = {
  AUTHENTICATION_CALLBACK_URL: "https://om.example.com/callback",
  AUTHENTICATION_CLIENT_ID: "client-123",
  AUTHENTICATION_RESPONSE_TYPE: "code",
  AUTHENTICATION_JWT_PRINCIPAL_CLAIMS: '["email","preferred_username","sub"]',
  AUTHENTICATION_ENABLE_SELF_SIGNUP: "true",
  AUTHENTICATION_TOKEN_VALIDATION_ALGORITHM: "RS256",
  FORCE_SECURE_SESSION_COOKIE: "true",
  SERVER_USE_FORWARDED_HEADERS: "true",
  AUTHORIZER_CLASS_NAME: "org.openmetadata.service.security.DefaultAuthorizer",
  AUTHORIZER_REQUEST_FILTER: "org.openmetadata.service.security.JwtFilter",
  AUTHORIZER_ADMIN_PRINCIPALS: '["alice","bob"]',
  AUTHORIZER_PRINCIPAL_DOMAIN: "example.com",
  AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN: "true",
  AUTHORIZER_ALLOWED_REGISTRATION_DOMAIN: '["example.com"]',
  AUTHORIZER_ENABLE_SECURE_SOCKET: "false",
  RSA_PUBLIC_KEY_FILE_PATH: "/etc/openmetadata/jwtkeys/public_key.der",
  RSA_PRIVATE_KEY_FILE_PATH: "/etc/openmetadata/jwtkeys/private_key.der",
  JWT_ISSUER: "om.example.com",
  JWT_KEY_ID: KEY_ID,
  FERNET_KEY: { secret: "fernetKey" },
};

/** The confidential client's oidcConfiguration, apart from the provider-specific values. */
function oidcBlock(type: string, discovery: string): ServerEnv {
  return {
    OIDC_CLIENT_ID: "client-123",
    OIDC_TYPE: type,
    OIDC_CLIENT_SECRET: { secret: "oidcClientSecret" },
    OIDC_SCOPE: "openid email profile",
    OIDC_DISCOVERY_URI: discovery,
    OIDC_USE_NONCE: "true",
    OIDC_PREFERRED_JWS: "RS256",
    OIDC_RESPONSE_TYPE: "code",
    OIDC_DISABLE_PKCE: "false",
    OIDC_CALLBACK: "https://om.example.com/callback",
    OIDC_SERVER_URL: "https://om.example.com",
    OIDC_CLIENT_AUTH_METHOD: "client_secret_post",
    OIDC_CUSTOM_PARAMS: "{}",
    OIDC_PROMPT_TYPE: "",
    OIDC_MAX_AGE: "",
    OIDC_SESSION_EXPIRY: "604800",
  };
}

const OKTA = {
  openMetadataProvider: "okta",
  providerName: "Okta",
  issuer: "https://acme.okta.com/oauth2/default",
  jwksUrl: "https://acme.okta.com/oauth2/default/v1/keys",
} as const;
const AUTH0 = {
  openMetadataProvider: "auth0",
  providerName: "Auth0",
  issuer: "https://acme.eu.auth0.com/",
  jwksUrl: "https://acme.eu.auth0.com/.well-known/jwks.json",
} as const;
const KEYCLOAK = {
  openMetadataProvider: "custom-oidc",
  providerName: "Keycloak",
  issuer: "https://sso.example.com/realms/data",
  jwksUrl: "https://sso.example.com/realms/data/protocol/openid-connect/certs",
} as const;

describe("authorityOf", () => {
  it("gives Entra ID's tenant URL for azure, without the /v2.0 that MSAL appends itself", () => {
    const guid = "6f1c2e3d-0000-4a5b-9c8d-112233445566";
    expect(authorityOf("azure", `https://login.microsoftonline.com/${guid}/v2.0`)).toBe(
      `https://login.microsoftonline.com/${guid}`,
    );
    // A tenant named by its domain, or a multi-tenant authority, instead of a GUID.
    expect(
      authorityOf("azure", "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0"),
    ).toBe("https://login.microsoftonline.com/contoso.onmicrosoft.com");
    expect(authorityOf("azure", "https://login.microsoftonline.com/organizations/v2.0/")).toBe(
      "https://login.microsoftonline.com/organizations",
    );
    // Already a tenant URL: nothing to remove.
    expect(authorityOf("azure", `https://login.microsoftonline.com/${guid}`)).toBe(
      `https://login.microsoftonline.com/${guid}`,
    );
  });

  it("gives every other provider's issuer unchanged, character by character", () => {
    const issuers = [
      ["okta", "https://example.okta.com/oauth2/default"],
      ["auth0", "https://acme.eu.auth0.com/"],
      ["custom-oidc", "https://sso.example.com/realms/acme"],
      ["custom-oidc", "https://idp.example.com/application/o/om/"],
      // Only azure's authority drops the /v2.0: another provider's issuer may end with it.
      ["custom-oidc", "https://idp.example.com/tenant/v2.0"],
      ["google", "https://accounts.google.com"],
    ] as const;
    for (const [provider, issuer] of issuers) {
      expect([provider, authorityOf(provider, issuer)]).toEqual([provider, issuer]);
    }
  });
});

describe("securityEnv", () => {
  it.each([
    ["okta", OKTA, "https://acme.okta.com/oauth2/default/.well-known/openid-configuration"],
    ["auth0", AUTH0, "https://acme.eu.auth0.com/.well-known/openid-configuration"],
    [
      "custom-oidc (Keycloak)",
      KEYCLOAK,
      "https://sso.example.com/realms/data/.well-known/openid-configuration",
    ],
  ] as const)("emits the full env of a confidential %s client", (_label, identity, discovery) => {
    expect(securityEnv(input(identity, "confidential"))).toEqual({
      ...COMMON,
      AUTHENTICATION_PROVIDER: identity.openMetadataProvider,
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: identity.providerName,
      AUTHENTICATION_PUBLIC_KEYS: `["${identity.jwksUrl}","http://openmetadata:8585/api/v1/system/config/jwks"]`,
      AUTHENTICATION_AUTHORITY: identity.issuer,
      AUTHENTICATION_CLIENT_TYPE: "confidential",
      ...oidcBlock(identity.openMetadataProvider, discovery),
    });
  });

  it.each([
    ["okta", OKTA],
    ["auth0", AUTH0],
    ["custom-oidc (Keycloak)", KEYCLOAK],
  ] as const)(
    "emits the full env of a public %s client: the client id only, no secret, no OIDC_*",
    (_label, identity) => {
      const env = securityEnv(input(identity, "public"));
      expect(env).toEqual({
        ...COMMON,
        AUTHENTICATION_PROVIDER: identity.openMetadataProvider,
        CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: identity.providerName,
        AUTHENTICATION_PUBLIC_KEYS: `["${identity.jwksUrl}","http://openmetadata:8585/api/v1/system/config/jwks"]`,
        AUTHENTICATION_AUTHORITY: identity.issuer,
        AUTHENTICATION_CLIENT_TYPE: "public",
      });
      expect(Object.keys(env).filter((name) => name.startsWith("OIDC_"))).toEqual([]);
    },
  );

  /** The identity facts of an Entra ID app, as `EntraApp` gives them for tenant `tid`. */
  const ENTRA = {
    openMetadataProvider: "azure",
    providerName: "Azure",
    issuer: "https://login.microsoftonline.com/tid/v2.0",
    jwksUrl: "https://login.microsoftonline.com/tid/discovery/v2.0/keys",
    tenant: "tid",
  } as const;

  it("emits the full env of a confidential azure (Entra ID) client, with the bare tenant pac4j builds the discovery URL from", () => {
    expect(securityEnv(input(ENTRA, "confidential"))).toEqual({
      ...COMMON,
      AUTHENTICATION_PROVIDER: "azure",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Azure",
      AUTHENTICATION_PUBLIC_KEYS:
        '["https://login.microsoftonline.com/tid/discovery/v2.0/keys","http://openmetadata:8585/api/v1/system/config/jwks"]',
      // The tenant URL: MSAL appends v2.0/.well-known/openid-configuration itself.
      AUTHENTICATION_AUTHORITY: "https://login.microsoftonline.com/tid",
      AUTHENTICATION_CLIENT_TYPE: "confidential",
      ...oidcBlock(
        "azure",
        "https://login.microsoftonline.com/tid/v2.0/.well-known/openid-configuration",
      ),
      OIDC_TENANT: "tid",
    });
  });

  it("emits the full env of a public azure (Entra ID) client: the client id only, no secret, no tenant, no OIDC_*", () => {
    const env = securityEnv(input(ENTRA, "public"));
    expect(env).toEqual({
      ...COMMON,
      AUTHENTICATION_PROVIDER: "azure",
      CUSTOM_OIDC_AUTHENTICATION_PROVIDER_NAME: "Azure",
      AUTHENTICATION_PUBLIC_KEYS:
        '["https://login.microsoftonline.com/tid/discovery/v2.0/keys","http://openmetadata:8585/api/v1/system/config/jwks"]',
      // The tenant URL: MSAL appends v2.0/.well-known/openid-configuration itself.
      AUTHENTICATION_AUTHORITY: "https://login.microsoftonline.com/tid",
      AUTHENTICATION_CLIENT_TYPE: "public",
    });
    expect(Object.keys(env).filter((name) => name.startsWith("OIDC_"))).toEqual([]);
  });

  it("keeps browser URLs and server URLs apart", () => {
    const env = securityEnv({
      ...input(KEYCLOAK, "confidential"),
      internalUrl: "http://om-server:8585",
      identity: {
        ...input(KEYCLOAK, "confidential").identity,
        issuer: "http://localhost:8081/realms/om",
        discoveryUrl: "http://keycloak:8080/realms/om/.well-known/openid-configuration",
        jwksUrl: "http://keycloak:8080/realms/om/protocol/openid-connect/certs",
      },
    });
    // Fetched by the browser.
    expect(env.AUTHENTICATION_AUTHORITY).toBe("http://localhost:8081/realms/om");
    expect(env.AUTHENTICATION_CALLBACK_URL).toBe("https://om.example.com/callback");
    expect(env.OIDC_CALLBACK).toBe("https://om.example.com/callback");
    // Fetched by the server, inside its network.
    expect(env.OIDC_DISCOVERY_URI).toBe(
      "http://keycloak:8080/realms/om/.well-known/openid-configuration",
    );
    expect(parseFlowList(env.AUTHENTICATION_PUBLIC_KEYS as string)).toEqual([
      "http://keycloak:8080/realms/om/protocol/openid-connect/certs",
      "http://om-server:8585/api/v1/system/config/jwks",
    ]);
  });

  it("lets none of OpenMetadata's shipped defaults survive", () => {
    const env = securityEnv(input(OKTA, "confidential"));
    expect(env.JWT_KEY_ID).not.toBe(SHIPPED_DEFAULTS.keyId);
    expect(env.JWT_ISSUER).not.toBe(SHIPPED_DEFAULTS.jwtIssuer);
    expect(env.RSA_PRIVATE_KEY_FILE_PATH).not.toBe(SHIPPED_DEFAULTS.privateKeyPath);
    expect(env.RSA_PUBLIC_KEY_FILE_PATH).not.toBe(SHIPPED_DEFAULTS.publicKeyPath);
    expect(String(env.RSA_PRIVATE_KEY_FILE_PATH).startsWith("/")).toBe(true);
    expect(env.FERNET_KEY).toEqual({ secret: "fernetKey" });
    expect(parseFlowList(env.AUTHORIZER_ADMIN_PRINCIPALS as string)).not.toEqual(
      SHIPPED_DEFAULTS.adminPrincipals,
    );
  });
});

describe("serverEnv", () => {
  it("adds the database, search, pipeline and server settings", () => {
    const env = serverEnv(input(OKTA, "confidential"), {
      database: {
        engine: "postgresql",
        host: "db",
        port: 5432,
        name: "openmetadata_db",
        user: "openmetadata_user",
      },
      search: { engine: "elasticsearch", host: "es", port: 9200, scheme: "http", user: "elastic" },
      airflowEndpoint: "http://ingestion:8080",
      heapSize: "2G",
      clusterName: "prod",
    });
    const security = securityEnv(input(OKTA, "confidential"));
    const added = Object.fromEntries(Object.entries(env).filter(([name]) => !(name in security)));
    expect(added).toEqual({
      OPENMETADATA_CLUSTER_NAME: "prod",
      OPENMETADATA_HEAP_OPTS: "-Xmx2G -Xms2G",
      SERVER_PORT: "8585",
      SERVER_ADMIN_PORT: "8586",
      DB_DRIVER_CLASS: "org.postgresql.Driver",
      DB_SCHEME: "postgresql",
      DB_HOST: "db",
      DB_PORT: "5432",
      OM_DATABASE: "openmetadata_db",
      DB_USER: "openmetadata_user",
      DB_USER_PASSWORD: { secret: "databasePassword" },
      DB_PARAMS: "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC",
      SEARCH_TYPE: "elasticsearch",
      ELASTICSEARCH_HOST: "es",
      ELASTICSEARCH_PORT: "9200",
      ELASTICSEARCH_SCHEME: "http",
      ELASTICSEARCH_USER: "elastic",
      ELASTICSEARCH_PASSWORD: { secret: "searchPassword" },
      SERVER_HOST_API_URL: "http://openmetadata:8585/api",
      PIPELINE_SERVICE_CLIENT_ENABLED: "true",
      PIPELINE_SERVICE_CLIENT_ENDPOINT: "http://ingestion:8080",
      AIRFLOW_USERNAME: "admin",
      AIRFLOW_PASSWORD: { secret: "airflowPassword" },
    });
  });

  it("connects with the database's own JDBC parameters when the topology names them", () => {
    const database = {
      engine: "mysql",
      host: "db",
      port: 3306,
      name: "openmetadata_db",
      user: "openmetadata_user",
    } as const;
    const search = { engine: "opensearch", host: "os", port: 9200, scheme: "http" } as const;
    const common = { search, heapSize: "1G", clusterName: "openmetadata" };
    expect(
      serverEnv(input(OKTA, "confidential"), {
        ...common,
        database: { ...database, params: "sslMode=REQUIRED&serverTimezone=UTC" },
      }).DB_PARAMS,
    ).toBe("sslMode=REQUIRED&serverTimezone=UTC");
    expect(serverEnv(input(OKTA, "confidential"), { ...common, database }).DB_PARAMS).toBe(
      "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC",
    );
  });

  it("switches the pipeline client off when no ingestion runs", () => {
    const env = serverEnv(input(OKTA, "confidential"), {
      database: {
        engine: "mysql",
        host: "db",
        port: 3306,
        name: "openmetadata_db",
        user: "openmetadata_user",
      },
      search: { engine: "opensearch", host: "os", port: 9200, scheme: "http" },
      heapSize: "1G",
      clusterName: "openmetadata",
    });
    expect(env.PIPELINE_SERVICE_CLIENT_ENABLED).toBe("false");
    expect(env.PIPELINE_SERVICE_CLIENT_CLASS_NAME).toBe(
      "org.openmetadata.service.clients.pipeline.noop.NoopClient",
    );
    expect(env.AIRFLOW_PASSWORD).toBeUndefined();
    expect(env.ELASTICSEARCH_PASSWORD).toBeUndefined();
    expect(env.DB_DRIVER_CLASS).toBe("com.mysql.cj.jdbc.Driver");
  });
});

describe("openmetadata.yaml snippet", () => {
  /** Maps the YAML back to env values through the same table, with OpenMetadata's value syntax. */
  function envFromYaml(yamlText: string): Record<string, string> {
    const doc = parse(yamlText) as Record<string, unknown>;
    const env: Record<string, string> = {};
    for (const [name, { path, kind }] of Object.entries(SECURITY_YAML_KEYS)) {
      let node: unknown = doc;
      for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
      if (node === undefined) continue;
      env[name] =
        kind === "list"
          ? flowList(node as string[])
          : kind === "json"
            ? JSON.stringify(node)
            : String(node);
    }
    return env;
  }

  it.each([
    ["confidential okta", input(OKTA, "confidential"), ["OIDC_TENANT"]],
    [
      "public auth0",
      input(AUTH0, "public"),
      ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_DISCOVERY_URI", "OIDC_TENANT"],
    ],
    ["confidential keycloak", input(KEYCLOAK, "confidential"), ["OIDC_TENANT"]],
  ])(
    "agrees with the env for a %s client, filling only the unset required keys",
    (_label, settings, filled) => {
      const env = resolveEnv(securityEnv(settings), () => "[secret]");
      const security = Object.fromEntries(
        Object.entries(env).filter(([name]) => name in SECURITY_YAML_KEYS),
      );
      const defaults = Object.fromEntries(
        filled.map((name) => [name, OIDC_REQUIRED_DEFAULTS[name]]),
      );
      expect(filled.every((name) => env[name] === undefined)).toBe(true);
      expect(envFromYaml(securityYaml(env))).toEqual({ ...security, ...defaults });
    },
  );

  it("nests the three blocks as openmetadata.yaml does", () => {
    const yamlText = securityYaml(
      resolveEnv(securityEnv(input(KEYCLOAK, "confidential")), () => "[secret]"),
    );
    const doc = parse(yamlText) as Record<string, Record<string, unknown>>;
    expect(Object.keys(doc)).toEqual([
      "authenticationConfiguration",
      "authorizerConfiguration",
      "jwtTokenConfiguration",
    ]);
    expect(doc.jwtTokenConfiguration).toEqual({
      rsapublicKeyFilePath: "/etc/openmetadata/jwtkeys/public_key.der",
      rsaprivateKeyFilePath: "/etc/openmetadata/jwtkeys/private_key.der",
      jwtissuer: "om.example.com",
      keyId: KEY_ID,
    });
    expect(doc.authenticationConfiguration.publicKeyUrls).toEqual([
      "https://sso.example.com/realms/data/protocol/openid-connect/certs",
      "http://openmetadata:8585/api/v1/system/config/jwks",
    ]);
    expect(
      (doc.authenticationConfiguration.oidcConfiguration as Record<string, unknown>).customParams,
    ).toEqual({});
    expect(doc.authorizerConfiguration.adminPrincipals).toEqual(["alice", "bob"]);
  });

  it("references secrets by env name in the bare-metal output, never holding them", () => {
    const snippet = bareMetalSnippet(securityEnv(input(OKTA, "confidential")));
    const doc = parse(snippet) as {
      authenticationConfiguration: { oidcConfiguration: { secret: string } };
    };
    expect(doc.authenticationConfiguration.oidcConfiguration.secret).toBe("${OIDC_CLIENT_SECRET}");
    expect(snippet).not.toContain("fernet");
  });
});

describe("value syntax", () => {
  it("writes and reads OpenMetadata's flow lists", () => {
    expect(flowList(["a,b", 'c"d'])).toBe('["a,b","c\\"d"]');
    expect(parseFlowList('["https://x/a","https://y/b"]')).toEqual(["https://x/a", "https://y/b"]);
    expect(parseFlowList("[email,sub]")).toEqual(["email", "sub"]);
    expect(parseFlowList("[]")).toEqual([]);
    expect(parseFlowList(flowList(["<jwks_uri from https://x, resolved later>", "b"]))).toEqual([
      "<jwks_uri from https://x, resolved later>",
      "b",
    ]);
  });

  it("names admins by the lowercase local part of their email", () => {
    expect(adminPrincipals(["Jane.Doe@Example.com", "x@example.com"])).toEqual(["jane.doe", "x"]);
  });

  it("formats the env file sorted by name, and resolves or redacts secret references", () => {
    const env: ServerEnv = { B: "2", A: "1", S: { secret: "fernetKey" } };
    expect(isSecretRef(env.S)).toBe(true);
    expect(formatEnvFile(resolveEnv(env, () => "[secret]"))).toBe("A=1\nB=2\nS=[secret]\n");
    expect(resolveEnv(env, (name) => `value-of-${name}`)).toEqual({
      A: "1",
      B: "2",
      S: "value-of-fernetKey",
    });
  });

  it("writes the ingestion workflowConfig with OpenMetadata's own JWT provider", () => {
    expect(workflowConfig("https://om.example.com/api", "${TOKEN}")).toBe(
      [
        "workflowConfig:",
        "  openMetadataServerConfig:",
        "    hostPort: https://om.example.com/api",
        "    authProvider: openmetadata",
        "    securityConfig:",
        "      jwtToken: ${TOKEN}",
        "",
      ].join("\n"),
    );
  });
});

describe("the egress proxy's JAVA_TOOL_OPTIONS", () => {
  const egressProxy = {
    url: "http://proxy.corp.example.com:3128",
    noProxy: ["*.corp.example.com", "10.*", "OM-Server"],
  };
  const PROXY =
    "-Dhttp.proxyHost=proxy.corp.example.com -Dhttp.proxyPort=3128 -Dhttps.proxyHost=proxy.corp.example.com -Dhttps.proxyPort=3128";

  it("sets both schemes' proxy and the bypass list, joined by |", () => {
    expect(javaProxyOptions("http://proxy:80", ["localhost", "127.*"])).toBe(
      "-Dhttp.proxyHost=proxy -Dhttp.proxyPort=80 -Dhttps.proxyHost=proxy -Dhttps.proxyPort=80 -Dhttp.nonProxyHosts=localhost|127.*",
    );
  });

  it("bypasses loopback first, then the in-network hosts, then the user's, each once", () => {
    expect(nonProxyHosts(["om-server", "om-mysql"], ["*.corp", "OM-MySQL", "127.*"])).toEqual([
      "localhost",
      "127.*",
      "[::1]",
      "om-server",
      "om-mysql",
      "*.corp",
    ]);
  });

  it("bypasses every container of a Docker deployment, the local Keycloak and Airflow included", () => {
    const settings = validateArgs({
      ...localStackArgs(),
      openmetadata: { ingestion: true, egressProxy },
      docker: { database: "postgresql", search: "opensearch" },
    });
    const names = containerNames("om", "postgresql", "opensearch");
    // As docker.ts builds the server's input: the in-network URL of the server container.
    const topology = dockerTopology(settings, names);
    const internal = { ...input(OKTA, "confidential"), internalUrl: `http://${names.server}:8585` };
    const expected = `${PROXY} -Dhttp.nonProxyHosts=localhost|127.*|[::1]|om-server|om-postgresql|om-opensearch|om-ingestion|om-keycloak|*.corp.example.com|10.*`;
    expect(javaProxyEnv(internal, topology)).toBe(expected);
    const env = serverEnv(internal, topology);
    expect(env.JAVA_TOOL_OPTIONS).toBe(expected);
    // The bot token regeneration starts a JVM with the same proxy.
    expect(botTokenEnv(env).JAVA_TOOL_OPTIONS).toBe(expected);
  });

  it("bypasses the release, the dependencies' Services and Airflow on Kubernetes", () => {
    const base: OpenMetadataSsoArgs = {
      publicUrl: "https://om.example.com",
      target: "kubernetes",
      admins: ["alice@example.com"],
      identity: { provider: "okta" },
    };
    const internal = { ...input(OKTA, "confidential"), internalUrl: "http://openmetadata:8585" };
    const chart = validateArgs({ ...base, openmetadata: { ingestion: true, egressProxy } });
    expect(javaProxyEnv(internal, kubernetesTopology(chart))).toBe(
      `${PROXY} -Dhttp.nonProxyHosts=localhost|127.*|[::1]|openmetadata|mysql|opensearch|openmetadata-dependencies-api-server|*.corp.example.com|10.*|om-server`,
    );
    const external = validateArgs({
      ...base,
      openmetadata: { egressProxy: { url: "http://10.0.0.3:8080" } },
      kubernetes: {
        dependencies: "external",
        database: { host: "pg.example.internal", password: "database-password-1" },
        search: { host: "search.example.internal" },
      },
    });
    expect(serverEnv(internal, kubernetesTopology(external)).JAVA_TOOL_OPTIONS).toBe(
      "-Dhttp.proxyHost=10.0.0.3 -Dhttp.proxyPort=8080 -Dhttps.proxyHost=10.0.0.3 -Dhttps.proxyPort=8080 -Dhttp.nonProxyHosts=localhost|127.*|[::1]|openmetadata|pg.example.internal|search.example.internal",
    );
  });

  it("sets nothing without a proxy", () => {
    const settings = validateArgs({
      publicUrl: "https://om.example.com",
      target: "kubernetes",
      admins: ["alice@example.com"],
      identity: { provider: "okta" },
    });
    const topology = kubernetesTopology(settings);
    expect(topology.egressProxy).toBeUndefined();
    expect(javaProxyEnv(input(OKTA, "confidential"), topology)).toBeUndefined();
    expect("JAVA_TOOL_OPTIONS" in serverEnv(input(OKTA, "confidential"), topology)).toBe(false);
  });
});
