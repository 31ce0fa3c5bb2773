import { describe, expect, it } from "vitest";
import {
  isSecretRef,
  KEY_PATHS,
  serverEnv,
  SHIPPED_DEFAULTS,
  type SecurityInput,
} from "../components/settings";
import {
  containerConfig,
  isOpenMetadataChart,
  isServerImage,
  parseList,
  releaseConfig,
  SECRET_ENV_NAMES,
  SHIPPED,
  shippedIn,
  type ServerConfig,
  type SettingKey,
} from "./openmetadata";

function settings(config: ServerConfig, keys: SettingKey[]) {
  return Object.fromEntries(keys.map((key) => [key, config.get(key)]));
}

describe("the pack's knowledge of OpenMetadata agrees with the package", () => {
  it("has the shipped defaults of components/settings", () => {
    expect(SHIPPED).toEqual({
      keyId: SHIPPED_DEFAULTS.keyId,
      fernetKey: SHIPPED_DEFAULTS.fernetKey,
      privateKeyPath: SHIPPED_DEFAULTS.privateKeyPath,
      publicKeyPath: SHIPPED_DEFAULTS.publicKeyPath,
    });
  });

  it("encrypts exactly the env entries the settings hand to a target as secrets", () => {
    const input: SecurityInput = {
      publicUrl: "https://om.example.com",
      internalUrl: "http://openmetadata:8585",
      identity: {
        clientId: "client-123",
        issuer: "https://idp.example.com",
        discoveryUrl: "https://idp.example.com/.well-known/openid-configuration",
        jwksUrl: "https://idp.example.com/keys",
        openMetadataProvider: "custom-oidc",
        providerName: "SSO",
        clientType: "confidential",
        tokenEndpointAuthMethod: "client_secret_post",
        pkce: true,
        redirectUris: ["https://om.example.com/callback"],
      },
      admins: ["alice@example.com"],
      principalDomain: "example.com",
      enableSelfSignup: true,
      principalClaims: ["email"],
      jwt: {
        keyId: "k",
        issuer: "om.example.com",
        privateKeyPath: KEY_PATHS.privateKey,
        publicKeyPath: KEY_PATHS.publicKey,
      },
      behindTlsProxy: true,
    };
    // Every optional secret on: a confidential client, a search user, Airflow.
    const env = serverEnv(input, {
      database: { engine: "mysql", host: "db", port: 3306, name: "om", user: "om" },
      search: { engine: "elasticsearch", host: "es", port: 9200, scheme: "http", user: "elastic" },
      airflowEndpoint: "http://airflow:8080",
      heapSize: "1G",
      clusterName: "openmetadata",
    });
    const secretNames = Object.keys(env).filter((name) => isSecretRef(env[name]));
    expect([...SECRET_ENV_NAMES].sort()).toEqual(secretNames.sort());
  });
});

describe("containerConfig", () => {
  it("reads an OpenMetadata container's env, with OpenMetadata's defaults for what is unset", () => {
    const config = containerConfig({
      envs: [
        "AUTHENTICATION_PROVIDER=okta",
        "AUTHENTICATION_CLIENT_TYPE=confidential",
        "OIDC_CALLBACK=https://om.example.com/callback",
        "JWT_KEY_ID=first",
        "JWT_KEY_ID=second",
      ],
    })!;
    expect(config.confidential).toBe(true);
    expect(
      settings(config, ["provider", "keyId", "oidcCallbackUrl", "oidcServerUrl", "fernetKey"]),
    ).toEqual({
      provider: { label: "env AUTHENTICATION_PROVIDER", value: "okta", defaulted: false },
      keyId: { label: "env JWT_KEY_ID", value: "second", defaulted: false },
      oidcCallbackUrl: {
        label: "env OIDC_CALLBACK",
        value: "https://om.example.com/callback",
        defaulted: false,
      },
      oidcServerUrl: undefined,
      fernetKey: { label: "env FERNET_KEY", value: SHIPPED.fernetKey, defaulted: true },
    });
  });

  it("knows a server by its image or the component's label, with every setting defaulted", () => {
    for (const props of [
      { envs: [], image: "docker.getcollate.io/openmetadata/server:1.13.1" },
      {
        envs: [],
        image: "sha256:0259",
        labels: [{ label: "openmetadata-sso.role", value: "server" }],
      },
    ]) {
      expect(settings(containerConfig(props)!, ["provider", "keyId"])).toEqual({
        provider: { label: "env AUTHENTICATION_PROVIDER", value: "basic", defaulted: true },
        keyId: { label: "env JWT_KEY_ID", value: SHIPPED.keyId, defaulted: true },
      });
    }
  });

  it("reads an image reference's repository, whatever the registry, tag or digest", () => {
    for (const image of [
      "openmetadata/server",
      "openmetadata/server:1.13.1",
      "docker.getcollate.io/openmetadata/server:1.13.1",
      "localhost:5000/openmetadata/server@sha256:abc",
    ]) {
      expect([image, isServerImage(image)]).toEqual([image, true]);
    }
    for (const image of [
      "docker.getcollate.io/openmetadata/ingestion:1.13.1",
      "example.com/notopenmetadata/server:1.13.1",
      "openmetadata/server-extras:1",
      "sha256:0259578494cf978dee644e241565144022fa03b6c3d2c74caa0576b050cb284f",
      undefined,
    ]) {
      expect([image, isServerImage(image)]).toEqual([image, false]);
    }
  });

  it("ignores containers that are not OpenMetadata", () => {
    expect(containerConfig({ envs: ["MYSQL_ROOT_PASSWORD=x", "discovery.type=single-node"] })).toBe(
      undefined,
    );
  });
});

describe("releaseConfig", () => {
  it("takes extraEnvs over values over the chart's defaults, and a secretRef as a secret", () => {
    const config = releaseConfig({
      extraEnvs: [
        { name: "AUTHENTICATION_PROVIDER", value: "custom-oidc" },
        { name: "JWT_KEY_ID", valueFrom: { secretKeyRef: { name: "jwt", key: "kid" } } },
      ],
      openmetadata: {
        config: {
          authentication: {
            provider: "basic",
            clientType: "confidential",
            oidcConfiguration: { enabled: true },
          },
          authorizer: { initialAdmins: ["alice", "bob"] },
          fernetkey: { value: "", secretRef: "fernet", secretKey: "key" },
        },
      },
    });
    expect(config.confidential).toBe(true);
    expect(
      settings(config, [
        "provider",
        "keyId",
        "fernetKey",
        "adminPrincipals",
        "principalDomain",
        "oidcCallbackUrl",
        "callbackUrl",
      ]),
    ).toEqual({
      provider: {
        label: "values extraEnvs AUTHENTICATION_PROVIDER",
        value: "custom-oidc",
        defaulted: false,
      },
      keyId: { label: "values extraEnvs JWT_KEY_ID", value: undefined, defaulted: false },
      fernetKey: {
        label: "values openmetadata.config.fernetkey.secretRef",
        value: undefined,
        defaulted: false,
      },
      adminPrincipals: {
        label: "values openmetadata.config.authorizer.initialAdmins",
        value: "[alice,bob]",
        defaulted: false,
      },
      principalDomain: {
        label: "values openmetadata.config.authorizer.principalDomain",
        value: "open-metadata.org",
        defaulted: true,
      },
      oidcCallbackUrl: {
        label: "values openmetadata.config.authentication.oidcConfiguration.callbackUrl",
        value: "http://openmetadata:8585/callback",
        defaulted: true,
      },
      callbackUrl: undefined,
    });
  });

  it("gives a public client no server-side OIDC settings", () => {
    const config = releaseConfig({});
    expect(config.confidential).toBe(false);
    expect(config.get("oidcCallbackUrl")).toBeUndefined();
    expect(config.get("provider")).toEqual({
      label: "values openmetadata.config.authentication.provider",
      value: "basic",
      defaulted: true,
    });
  });
});

describe("isOpenMetadataChart", () => {
  it("knows the OpenMetadata chart by every way a release names it, and not its dependencies", () => {
    for (const chart of [
      "openmetadata",
      "open-metadata/openmetadata",
      "oci://registry.example.com/charts/openmetadata",
      "./charts/openmetadata-1.13.1.tgz",
    ]) {
      expect(isOpenMetadataChart(chart)).toBe(true);
    }
    for (const chart of [
      "openmetadata-dependencies",
      "open-metadata/openmetadata-dependencies",
      3,
    ]) {
      expect(isOpenMetadataChart(chart)).toBe(false);
    }
  });
});

describe("parseList", () => {
  it("reads OpenMetadata's quoted and bare list syntax", () => {
    expect(parseList('["alice","bob"]')).toEqual(["alice", "bob"]);
    expect(parseList("[admin]")).toEqual(["admin"]);
    expect(parseList("[]")).toEqual([]);
  });
});

describe("shippedIn", () => {
  const path = (file: string) => ({
    key: file.endsWith("private_key.der") ? "privateKeyPath" : "publicKeyPath",
    what: `shipped key path ${file}`,
  });

  it("finds a key path however it starts, wherever it sits in the text", () => {
    const cases: [string, string[]][] = [
      ["./conf/private_key.der", ["./conf/private_key.der"]],
      ["conf/private_key.der", ["conf/private_key.der"]],
      ["/opt/openmetadata/conf/public_key.der", ["/opt/openmetadata/conf/public_key.der"]],
      ["RSA_PUBLIC_KEY_FILE_PATH=conf/public_key.der", ["conf/public_key.der"]],
      [
        "[./conf/public_key.der, https://om.example.com/api/v1/system/config/jwks]",
        ["./conf/public_key.der"],
      ],
      [
        '{"publicKeyUrls":["file:///opt/openmetadata/conf/public_key.der"]}',
        ["file:///opt/openmetadata/conf/public_key.der"],
      ],
      ['{\\"path\\":\\"conf/private_key.der\\"}', ["conf/private_key.der"]],
      [
        "rsaprivateKeyFilePath: ./conf/private_key.der\nrsapublicKeyFilePath: './conf/public_key.der'",
        ["./conf/private_key.der", "./conf/public_key.der"],
      ],
    ];
    for (const [text, files] of cases) {
      expect([text, shippedIn(text)]).toEqual([text, files.map(path)]);
    }
  });

  it("finds a key path written with empty, . or .. segments, and quotes it as written", () => {
    for (const text of [
      "./conf//private_key.der",
      "./conf/./private_key.der",
      "/opt/openmetadata/conf/./private_key.der",
      "conf/keys/../private_key.der",
    ]) {
      expect([text, shippedIn(text)]).toEqual([text, [path(text)]]);
    }
    for (const text of [
      "/opt/openmetadata/conf/../keys/private_key.der",
      "conf/./x/public_key.der",
    ]) {
      expect([text, shippedIn(text)]).toEqual([text, []]);
    }
  });

  it("leaves paths whose last two segments are not conf and the shipped file name", () => {
    for (const text of [
      "/etc/openmetadata/jwtkeys/private_key.der",
      "myconf/private_key.der",
      ".conf/public_key.der",
      "conf/private_key.der.bak",
      "conf/private_key.pem",
      "private_key.der",
      "conf/nested/public_key.der",
    ]) {
      expect([text, shippedIn(text)]).toEqual([text, []]);
    }
  });

  it("finds the key id and the fernet key inside any text, the fernet key in either alphabet", () => {
    const keyId = { key: "keyId", what: `shipped key id ${SHIPPED.keyId}` };
    const fernet = { key: "fernetKey", what: "shipped fernet key" };
    expect(shippedIn(`kid: "${SHIPPED.keyId}"`)).toEqual([keyId]);
    expect(shippedIn(`FERNET_KEY=${SHIPPED.fernetKey}`)).toEqual([fernet]);
    expect(shippedIn("key: jJ_9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHA")).toEqual([fernet]);
    expect(shippedIn(`${SHIPPED.keyId} ${SHIPPED.fernetKey} conf/public_key.der`)).toEqual([
      keyId,
      fernet,
      path("conf/public_key.der"),
    ]);
    expect(
      shippedIn("Gb389a-9f76-gdjs-a92j-0242bk94357 jJ/9sz0g0OHxsfxOoSfdFdmk3ysNmPRnH3TUAbz3IHB"),
    ).toEqual([]);
  });
});
