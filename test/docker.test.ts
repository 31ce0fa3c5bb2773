import { spawnSync } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_CLIENT_ID, keycloakRealm } from "../components/identity/local-keycloak";
import { validateArgs } from "../components/config";
import {
  attemptHostname,
  containerNames,
  DockerDeployment,
  databaseHealthcheck,
  databaseInitSql,
  dockerImages,
  initUsers,
  nextAttempt,
  oneShotFailure,
  oneShotStart,
  parseOneShotRun,
  PINNED_IMAGES,
  proxyConfig,
  reportingExit,
  verifyFailure,
} from "../components/docker";
import { pemToDerBase64, SigningKeys } from "../components/keys";
import { truststoreScript } from "../components/settings/truststore";
import { OpenMetadataSso } from "../components/openmetadata-sso";
import { rsaKeyPair } from "../scripts/offline";
import { localStackArgs } from "./support/args";
import {
  one,
  plain,
  record,
  recordFailure,
  reported,
  SecretValue,
  useMocks,
  type OutputOverride,
  type RecordedResource,
} from "./support/pulumi";

beforeAll(() => {
  useMocks();
});

const CONTAINER = "docker:index/container:Container";

const localArgs = localStackArgs();

function containers(resources: RecordedResource[]): Record<string, RecordedResource> {
  return Object.fromEntries(
    resources
      .filter((r) => r.type === CONTAINER)
      .map((r) => [r.name.replace(/^om-(docker|keycloak)-/, ""), r]),
  );
}

/** The mock provider's result of one generated password. */
function password(resources: RecordedResource[], name: string): string {
  return one(resources, "random:index/randomPassword:RandomPassword", name).outputs!
    .result as string;
}

/** The init SQL uploaded to the database container, and whether it is a secret. */
function initSql(database: RecordedResource): { sql: unknown; secret: boolean } {
  const uploads = database.inputs.uploads as { file: string; content: unknown }[];
  expect(uploads.map((u) => u.file)).toEqual(["/docker-entrypoint-initdb.d/openmetadata.sql"]);
  return { sql: plain(uploads[0].content), secret: uploads[0].content instanceof SecretValue };
}

function envMap(resource: RecordedResource): Record<string, { value: string; secret: boolean }> {
  return Object.fromEntries(
    (resource.inputs.envs as unknown[]).map((entry) => {
      const secret = entry instanceof SecretValue;
      const text = String(secret ? entry.value : entry);
      const at = text.indexOf("=");
      return [text.slice(0, at), { value: text.slice(at + 1), secret }];
    }),
  );
}

describe("DockerDeployment under the local stack", () => {
  let resources: RecordedResource[];
  let byRole: Record<string, RecordedResource>;
  const urnOf = (role: string) => byRole[role].urn;

  beforeAll(async () => {
    ({ resources } = await record(() => new OpenMetadataSso("om", localArgs)));
    byRole = containers(resources);
  });

  it("creates exactly the expected containers, each on the one network, with stable names", () => {
    expect(Object.keys(byRole).sort()).toEqual([
      "container",
      "database",
      "migrate",
      "search",
      "server",
      "verify",
    ]);
    expect(
      Object.fromEntries(Object.entries(byRole).map(([role, r]) => [role, r.inputs.name])),
    ).toEqual({
      container: "om-keycloak",
      database: "om-mysql",
      search: "om-elasticsearch",
      migrate: "om-migrate",
      server: "om-server",
      verify: "om-verify",
    });
    const network = one(resources, "docker:index/network:Network", "om-network");
    expect(network.inputs).toEqual({ name: "om-network", driver: "bridge" });
    for (const [role, container] of Object.entries(byRole)) {
      const expected =
        role === "container" ? [{ name: "om-network" }] : [{ name: "om-network", aliases: [] }];
      expect(container.inputs.networksAdvanced).toEqual(expected);
    }
  });

  it("pins every image to an exact tag", () => {
    const images = resources
      .filter((r) => r.type === "docker:index/remoteImage:RemoteImage")
      .map((r) => r.inputs.name);
    expect(images.sort()).toEqual(
      [
        "docker.elastic.co/elasticsearch/elasticsearch:9.3.0",
        "docker.getcollate.io/openmetadata/server:1.13.1",
        "mysql:8.0.44",
        "node:22.12.0-alpine3.21",
        "quay.io/keycloak/keycloak:26.4.5",
      ].sort(),
    );
    for (const image of images) expect(image).toMatch(/:\d+\.\d+(\.\d+)?[\w.-]*$/);
  });

  it("gives the migration exactly the server's env and files", () => {
    expect(plain(byRole.migrate.inputs.envs)).toEqual(plain(byRole.server.inputs.envs));
    expect(plain(byRole.migrate.inputs.uploads)).toEqual(plain(byRole.server.inputs.uploads));
    expect(byRole.migrate.inputs.entrypoints).toEqual(["/bin/bash"]);
    expect(byRole.migrate.inputs.command).toEqual([
      "-c",
      reportingExit("./bootstrap/openmetadata-ops.sh migrate"),
    ]);
    expect(byRole.migrate.inputs.workingDir).toBe("/opt/openmetadata");
    // A first run (no container of that name yet): no attempt hostname.
    expect(byRole.migrate.inputs.hostname).toBeUndefined();
    expect(byRole.migrate.inputs).toMatchObject({
      mustRun: false,
      attach: true,
      logs: true,
      restart: "no",
    });
  });

  it("uploads the key files byte for byte as the DER of the keys component, at the paths settings name", () => {
    const pair = rsaKeyPair(2048, false);
    const uploads = byRole.server.inputs.uploads as { file: string; contentBase64: unknown }[];
    expect(uploads.map((u) => u.file)).toEqual([
      "/etc/openmetadata/jwtkeys/private_key.der",
      "/etc/openmetadata/jwtkeys/public_key.der",
    ]);
    expect(uploads[0].contentBase64).toBeInstanceOf(SecretValue);
    expect(plain(uploads[0].contentBase64)).toBe(
      pemToDerBase64(pair.privateKeyPemPkcs8, "PRIVATE KEY"),
    );
    expect(uploads[1].contentBase64).toBe(pemToDerBase64(pair.publicKeyPem, "PUBLIC KEY"));
    const env = envMap(byRole.server);
    expect(env.RSA_PRIVATE_KEY_FILE_PATH.value).toBe(uploads[0].file);
    expect(env.RSA_PUBLIC_KEY_FILE_PATH.value).toBe(uploads[1].file);
  });

  it("retains the data volumes on delete", () => {
    const volumes = resources.filter((r) => r.type === "docker:index/volume:Volume");
    expect(
      volumes.map((v) => [v.name, v.inputs.name, v.options.retainOnDelete, v.options.protect]),
    ).toEqual([
      ["om-docker-db-data", "om-db-data", true, false],
      ["om-docker-search-data", "om-search-data", true, false],
    ]);
  });

  it("orders the rollout: healthy database and search, then migration, then server, then verification", () => {
    expect(byRole.database.inputs).toMatchObject({ wait: true, waitTimeout: 300 });
    expect(byRole.database.inputs.command).toEqual([
      "--sort_buffer_size=10M",
      "--log-bin-trust-function-creators=1",
    ]);
    expect(byRole.search.inputs).toMatchObject({ wait: true, waitTimeout: 300 });
    expect(byRole.database.inputs.healthcheck).toEqual({
      tests: [
        "CMD-SHELL",
        'mysql --protocol=TCP --host=127.0.0.1 --user=root --password="$MYSQL_ROOT_PASSWORD" --silent --execute "use openmetadata_db"',
      ],
      interval: "10s",
      timeout: "10s",
      retries: 30,
      startPeriod: "30s",
    });
    expect(byRole.migrate.options.dependencies).toEqual(
      expect.arrayContaining([urnOf("database"), urnOf("search")]),
    );
    expect(byRole.server.options.dependencies).toContain(urnOf("migrate"));
    expect(byRole.server.inputs).toMatchObject({
      wait: true,
      waitTimeout: 600,
      restart: "unless-stopped",
    });
    expect(byRole.server.inputs.healthcheck).toEqual({
      tests: ["CMD-SHELL", "wget -q --spider http://localhost:8586/healthcheck"],
      interval: "15s",
      timeout: "10s",
      retries: 40,
      startPeriod: "60s",
    });
    // The migration and the server wait for the preflight check (skipped for the local Keycloak,
    // which does not exist before the deployment); the database and search do not.
    expect(byRole.migrate.inputs.labels).toEqual([
      { label: "openmetadata-sso.preflight", value: "skipped" },
    ]);
    expect(byRole.server.inputs.labels).toEqual([
      { label: "openmetadata-sso.role", value: "server" },
      { label: "openmetadata-sso.migration", value: "succeeded" },
      { label: "openmetadata-sso.preflight", value: "skipped" },
    ]);
    expect(byRole.database.inputs.labels).toBeUndefined();
    expect(byRole.search.inputs.labels).toBeUndefined();
    expect(byRole.verify.options.dependencies).toContain(urnOf("server"));
    // The server does not wait for anything but the migration (and its own inputs).
    expect(byRole.server.options.dependencies).not.toContain(urnOf("database"));
  });

  it("publishes the configured ports, the admin port on loopback only", () => {
    expect(byRole.server.inputs.ports).toEqual([
      { internal: 8585, external: 8585, ip: "0.0.0.0" },
      { internal: 8586, external: 8586, ip: "127.0.0.1" },
    ]);
    expect(byRole.container.inputs.ports).toEqual([{ internal: 8080, external: 8081 }]);
  });

  it("carries every secret as a secret: env entries, uploads and init scripts", () => {
    const server = envMap(byRole.server);
    const secretNames = Object.entries(server)
      .filter(([, v]) => v.secret)
      .map(([k]) => k)
      .sort();
    expect(secretNames).toEqual([
      "DB_USER_PASSWORD",
      "ELASTICSEARCH_PASSWORD",
      "FERNET_KEY",
      "OIDC_CLIENT_SECRET",
    ]);
    expect(envMap(byRole.database).MYSQL_ROOT_PASSWORD.secret).toBe(true);
    expect(envMap(byRole.search).ELASTIC_PASSWORD.secret).toBe(true);
    expect(envMap(byRole.container).KC_BOOTSTRAP_ADMIN_PASSWORD.secret).toBe(true);
    const init = (byRole.database.inputs.uploads as { content: unknown }[])[0].content;
    expect(init).toBeInstanceOf(SecretValue);
    const realm = (byRole.container.inputs.uploads as { content: unknown }[])[0].content;
    expect(realm).toBeInstanceOf(SecretValue);
    // No plain env entry carries a generated secret.
    const generated = [server.DB_USER_PASSWORD, server.FERNET_KEY, server.OIDC_CLIENT_SECRET].map(
      (v) => v.value,
    );
    for (const container of Object.values(byRole)) {
      for (const entry of (container.inputs.envs as unknown[] | undefined) ?? []) {
        if (entry instanceof SecretValue) continue;
        for (const secret of generated) expect(String(entry)).not.toContain(secret);
      }
    }
  });

  it("creates Airflow's database and user at first start even without ingestion, so turning it on later finds them", () => {
    expect(initSql(byRole.database)).toEqual({
      secret: true,
      sql: [
        "CREATE DATABASE IF NOT EXISTS openmetadata_db;",
        `CREATE USER IF NOT EXISTS 'openmetadata_user'@'%' IDENTIFIED BY '${password(resources, "om-keys-database-password")}';`,
        "GRANT ALL PRIVILEGES ON openmetadata_db.* TO 'openmetadata_user'@'%';",
        "CREATE DATABASE IF NOT EXISTS airflow_db;",
        `CREATE USER IF NOT EXISTS 'airflow_user'@'%' IDENTIFIED BY '${password(resources, "om-keys-airflow-database-password")}';`,
        "GRANT ALL PRIVILEGES ON airflow_db.* TO 'airflow_user'@'%';",
        "FLUSH PRIVILEGES;",
        "",
      ].join("\n"),
    });
    expect(byRole.ingestion).toBeUndefined();
    // Airflow's JWT secret and API secret key exist only with the ingestion container that uses them.
    expect(
      resources
        .filter((r) =>
          ["om-docker-airflow-jwt-secret", "om-docker-airflow-api-secret-key"].includes(r.name),
        )
        .map((r) => r.type),
    ).toEqual([]);
  });

  it("generates a realm whose client matches OpenMetadata's callback and secret, with the demo user in the principal domain", () => {
    const realm = JSON.parse(
      plain((byRole.container.inputs.uploads as { content: unknown }[])[0].content) as string,
    );
    const env = envMap(byRole.server);
    expect(realm.clients).toHaveLength(1);
    const client = realm.clients[0];
    expect(client.clientId).toBe(env.OIDC_CLIENT_ID.value);
    expect(client.redirectUris).toContain(env.OIDC_CALLBACK.value);
    expect(client.redirectUris).toEqual([
      "http://localhost:8585/callback",
      "http://localhost:8585/auth/callback",
    ]);
    expect(client.secret).toBe(env.OIDC_CLIENT_SECRET.value);
    expect(client).toMatchObject({
      standardFlowEnabled: true,
      implicitFlowEnabled: false,
      directAccessGrantsEnabled: false,
    });
    expect(realm.users[0].email).toBe("demo@example.com");
    expect(realm.users[0].email.endsWith(`@${env.AUTHORIZER_PRINCIPAL_DOMAIN.value}`)).toBe(true);
    expect(env.AUTHORIZER_ADMIN_PRINCIPALS.value).toBe('["demo"]');
  });

  it("solves the issuer split with a fixed frontend URL and a dynamic backchannel", () => {
    const env = envMap(byRole.container);
    expect(env.KC_HOSTNAME.value).toBe("http://localhost:8081");
    expect(env.KC_HOSTNAME_BACKCHANNEL_DYNAMIC.value).toBe("true");
    const server = envMap(byRole.server);
    expect(server.AUTHENTICATION_AUTHORITY.value).toBe("http://localhost:8081/realms/openmetadata");
    expect(server.OIDC_DISCOVERY_URI.value).toBe(
      "http://om-keycloak:8080/realms/openmetadata/.well-known/openid-configuration",
    );
  });
});

describe("DockerDeployment options", () => {
  it("protects data volumes and keys in production and serves TLS through the proxy", async () => {
    const { resources } = await record(
      () =>
        new OpenMetadataSso("prod", {
          environment: "production",
          publicUrl: "https://om.example.com",
          target: "docker",
          admins: ["alice@example.com"],
          identity: { provider: "okta" },
        }),
    );
    const volumes = resources.filter((r) => r.type === "docker:index/volume:Volume");
    expect(volumes.every((v) => v.options.protect && v.options.retainOnDelete)).toBe(true);
    expect(
      one(resources, "tls:index/privateKey:PrivateKey", "prod-keys-signing-key").options.protect,
    ).toBe(true);
    const proxy = one(resources, CONTAINER, "prod-docker-proxy");
    expect(proxy.inputs.ports).toEqual([{ internal: 443, external: 443 }]);
    const uploads = proxy.inputs.uploads as { file: string; content: unknown }[];
    expect(uploads.map((u) => u.file)).toEqual([
      "/etc/nginx/conf.d/default.conf",
      "/etc/nginx/tls/tls.crt",
      "/etc/nginx/tls/tls.key",
    ]);
    expect(uploads[2].content).toBeInstanceOf(SecretValue);
    const server = envMap(one(resources, CONTAINER, "prod-docker-server"));
    expect(server.SERVER_USE_FORWARDED_HEADERS.value).toBe("true");
    expect(server.FORCE_SECURE_SESSION_COOKIE.value).toBe("true");
    expect(
      (one(resources, CONTAINER, "prod-docker-server").inputs.ports as { ip: string }[])[0].ip,
    ).toBe("127.0.0.1");
    expect(
      one(resources, "tls:index/selfSignedCert:SelfSignedCert", "prod-docker-ca").inputs,
    ).toMatchObject({
      isCaCertificate: true,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    });
    expect(
      one(resources, "tls:index/certRequest:CertRequest", "prod-docker-tls-request").inputs,
    ).toMatchObject({
      dnsNames: ["om.example.com"],
    });
  });

  it("deletes data with the stack only when a non-production stack says so", async () => {
    const { resources } = await record(
      () => new OpenMetadataSso("gone", { ...localArgs, dataRetention: "delete" }),
    );
    const volumes = resources.filter((r) => r.type === "docker:index/volume:Volume");
    expect(volumes.map((v) => v.options.retainOnDelete)).toEqual([false, false]);
  });

  it("runs PostgreSQL, OpenSearch and the ingestion service when configured", async () => {
    const { resources } = await record(
      () =>
        new OpenMetadataSso("pg", {
          ...localArgs,
          docker: { database: "postgresql", search: "opensearch" },
          openmetadata: { ingestion: true },
        }),
    );
    const names = resources
      .filter((r) => r.type === CONTAINER)
      .map((r) => r.inputs.name)
      .sort();
    expect(names).toEqual([
      "pg-ingestion",
      "pg-keycloak",
      "pg-migrate",
      "pg-opensearch",
      "pg-postgresql",
      "pg-server",
      "pg-verify",
    ]);
    // Ready once the real server takes TCP connections for OpenMetadata's user and database.
    expect(one(resources, CONTAINER, "pg-docker-database").inputs.healthcheck).toEqual({
      tests: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U openmetadata_user -d openmetadata_db"],
      interval: "10s",
      timeout: "10s",
      retries: 30,
      startPeriod: "30s",
    });
    // The same init SQL as without ingestion: the database does not change when ingestion does.
    const airflowPassword = password(resources, "pg-keys-airflow-database-password");
    expect(initSql(one(resources, CONTAINER, "pg-docker-database"))).toEqual({
      secret: true,
      sql: [
        `CREATE USER openmetadata_user WITH PASSWORD '${password(resources, "pg-keys-database-password")}';`,
        "CREATE DATABASE openmetadata_db OWNER openmetadata_user;",
        `CREATE USER airflow_user WITH PASSWORD '${airflowPassword}';`,
        "CREATE DATABASE airflow_db OWNER airflow_user;",
        "",
      ].join("\n"),
    });
    const server = envMap(one(resources, CONTAINER, "pg-docker-server"));
    expect(server.PIPELINE_SERVICE_CLIENT_ENDPOINT.value).toBe("http://pg-ingestion:8080");
    expect(server.AIRFLOW_PASSWORD.secret).toBe(true);
    const ingestion = envMap(one(resources, CONTAINER, "pg-docker-ingestion"));
    expect(ingestion.AIRFLOW_ADMIN_PASSWORD.value).toBe(server.AIRFLOW_PASSWORD.value);
    expect(ingestion.DB_PASSWORD.secret).toBe(true);
    expect(ingestion.DB_PASSWORD.value).toBe(airflowPassword);
    expect(server.SEARCH_TYPE.value).toBe("opensearch");
    expect(server.ELASTICSEARCH_USER).toBeUndefined();
  });
  it("runs Elasticsearch 9 as one node with its own user over plain HTTP, as the server reaches it", async () => {
    const { resources } = await record(
      () => new OpenMetadataSso("es", { ...localArgs, docker: { search: "elasticsearch" } }),
    );
    const search = one(resources, CONTAINER, "es-docker-search");
    const searchPassword = password(resources, "es-keys-search-password");
    expect(envMap(search)).toEqual({
      "discovery.type": { value: "single-node", secret: false },
      ES_JAVA_OPTS: { value: "-Xms1024m -Xmx1024m", secret: false },
      "xpack.security.enabled": { value: "true", secret: false },
      "xpack.security.http.ssl.enabled": { value: "false", secret: false },
      "xpack.security.transport.ssl.enabled": { value: "false", secret: false },
      ELASTIC_PASSWORD: { value: searchPassword, secret: true },
    });
    expect(search.inputs.healthcheck).toEqual({
      tests: [
        "CMD-SHELL",
        'curl -s -u "elastic:$ELASTIC_PASSWORD" http://localhost:9200/_cluster/health | grep -qE \'"status":"(green|yellow)"\'',
      ],
      interval: "15s",
      timeout: "10s",
      retries: 20,
      startPeriod: "30s",
    });
    const server = envMap(one(resources, CONTAINER, "es-docker-server"));
    expect(server.SEARCH_TYPE).toEqual({ value: "elasticsearch", secret: false });
    expect(server.ELASTICSEARCH_SCHEME).toEqual({ value: "http", secret: false });
    expect(server.ELASTICSEARCH_PORT).toEqual({ value: "9200", secret: false });
    expect(server.ELASTICSEARCH_USER).toEqual({ value: "elastic", secret: false });
    expect(server.ELASTICSEARCH_PASSWORD).toEqual({ value: searchPassword, secret: true });
  });

  it("runs OpenSearch 3 with its security plugin off, so it needs no initial admin password", async () => {
    const { resources } = await record(
      () => new OpenMetadataSso("os", { ...localArgs, docker: { search: "opensearch" } }),
    );
    const search = one(resources, CONTAINER, "os-docker-search");
    expect(envMap(search)).toEqual({
      "discovery.type": { value: "single-node", secret: false },
      OPENSEARCH_JAVA_OPTS: { value: "-Xms1024m -Xmx1024m", secret: false },
      DISABLE_SECURITY_PLUGIN: { value: "true", secret: false },
      DISABLE_INSTALL_DEMO_CONFIG: { value: "true", secret: false },
    });
    expect((search.inputs.healthcheck as { tests: string[] }).tests).toEqual([
      "CMD-SHELL",
      'curl -s http://localhost:9200/_cluster/health | grep -qE \'"status":"(green|yellow)"\'',
    ]);
    const server = envMap(one(resources, CONTAINER, "os-docker-server"));
    expect(server.SEARCH_TYPE).toEqual({ value: "opensearch", secret: false });
    expect(server.ELASTICSEARCH_SCHEME).toEqual({ value: "http", secret: false });
    expect(server.ELASTICSEARCH_USER).toBeUndefined();
    expect(server.ELASTICSEARCH_PASSWORD).toBeUndefined();
  });

  it("gives Airflow 3 in the ingestion container one JWT secret and one API secret key of its own, and the start script's env", async () => {
    const { resources } = await record(
      () =>
        new OpenMetadataSso("af", {
          ...localArgs,
          docker: { database: "mysql" },
          openmetadata: { ingestion: true },
        }),
    );
    const jwtSecret = password(resources, "af-docker-airflow-jwt-secret");
    expect(
      one(resources, "random:index/randomPassword:RandomPassword", "af-docker-airflow-jwt-secret")
        .inputs,
    ).toEqual({ length: 64, special: false });
    const apiSecretKey = password(resources, "af-docker-airflow-api-secret-key");
    expect(
      one(
        resources,
        "random:index/randomPassword:RandomPassword",
        "af-docker-airflow-api-secret-key",
      ).inputs,
    ).toEqual({ length: 64, special: false });
    expect(apiSecretKey).not.toBe(jwtSecret);
    const server = envMap(one(resources, CONTAINER, "af-docker-server"));
    const ingestion = one(resources, CONTAINER, "af-docker-ingestion");
    expect(ingestion.inputs.entrypoints).toEqual(["/bin/bash"]);
    expect(ingestion.inputs.command).toEqual(["/opt/airflow/ingestion_dependency.sh"]);
    expect(envMap(ingestion)).toEqual({
      AIRFLOW__API_AUTH__JWT_SECRET: { value: jwtSecret, secret: true },
      AIRFLOW__API__SECRET_KEY: { value: apiSecretKey, secret: true },
      AIRFLOW__API__AUTH_BACKENDS: {
        value: "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session",
        secret: false,
      },
      AIRFLOW__CORE__EXECUTOR: { value: "LocalExecutor", secret: false },
      AIRFLOW__OPENMETADATA_AIRFLOW_APIS__DAG_GENERATED_CONFIGS: {
        value: "/opt/airflow/dag_generated_configs",
        secret: false,
      },
      DB_HOST: { value: "af-mysql", secret: false },
      DB_PORT: { value: "3306", secret: false },
      AIRFLOW_DB: { value: "airflow_db", secret: false },
      DB_SCHEME: { value: "mysql+mysqldb", secret: false },
      DB_USER: { value: "airflow_user", secret: false },
      DB_PASSWORD: {
        value: password(resources, "af-keys-airflow-database-password"),
        secret: true,
      },
      AIRFLOW_ADMIN_USER: { value: "admin", secret: false },
      AIRFLOW_ADMIN_PASSWORD: { value: server.AIRFLOW_PASSWORD.value, secret: true },
    });
    expect(server.PIPELINE_SERVICE_CLIENT_ENDPOINT).toEqual({
      value: "http://af-ingestion:8080",
      secret: false,
    });
    expect(server.AIRFLOW_USERNAME).toEqual({ value: "admin", secret: false });
  });

  it("gives the server, its migration and the bot token regeneration the egress proxy, bypassed for every container", async () => {
    const { resources } = await record(
      () =>
        new OpenMetadataSso("pg", {
          ...localArgs,
          docker: { database: "postgresql", search: "opensearch" },
          keys: { rotation: "2027" },
          openmetadata: {
            ingestion: true,
            egressProxy: { url: "http://proxy.corp.example.com:3128", noProxy: ["10.*"] },
          },
        }),
    );
    const options =
      "-Dhttp.proxyHost=proxy.corp.example.com -Dhttp.proxyPort=3128 -Dhttps.proxyHost=proxy.corp.example.com -Dhttps.proxyPort=3128 -Dhttp.nonProxyHosts=localhost|127.*|[::1]|pg-server|pg-postgresql|pg-opensearch|pg-ingestion|pg-keycloak|10.*";
    const env = (role: string) => envMap(one(resources, CONTAINER, `pg-docker-${role}`));
    expect(
      ["server", "migrate", "regenerate-bot-tokens-2027"].map(
        (role) => env(role).JAVA_TOOL_OPTIONS,
      ),
    ).toEqual(Array(3).fill({ value: options, secret: false }));
    // The local Keycloak's container is the one the list names.
    expect(one(resources, CONTAINER, "pg-keycloak-container").inputs.name).toBe("pg-keycloak");
    // Every key URL is in the network, so the verifier still reads them all.
    expect(JSON.parse(env("verify").EXPECTED_AUTH.value)).toMatchObject({
      publicKeyUrls: [
        "http://pg-keycloak:8080/realms/openmetadata/protocol/openid-connect/certs",
        "http://pg-server:8585/api/v1/system/config/jwks",
      ],
      egressProxy: "proxy.corp.example.com:3128",
      proxiedKeyUrls: [],
    });
  });
});

describe("a one-shot container that fails, through the whole component", () => {
  const LOGS = [
    "Migration of 1.13.1 failed",
    "Caused by: Access denied for user 'openmetadata_user'@'10.0.0.4'",
  ].join("\n");
  /** The mock Docker provider reports that one container exited 1 with {@link LOGS}. */
  const exitsWith1 =
    (name: string): OutputOverride =>
    (resource) =>
      resource.type === CONTAINER && resource.name === name
        ? { exitCode: 1, containerLogs: LOGS }
        : undefined;
  /** Containers whose registration completed, by role. */
  const created = (resources: RecordedResource[]) =>
    Object.entries(containers(resources))
      .filter(([, r]) => r.outputs !== undefined)
      .map(([role]) => role)
      .sort();

  it("a failed migration fails the update with its message and log, and the server is never created", async () => {
    const { resources, errors } = await recordFailure(
      exitsWith1("om-docker-migrate"),
      () => new OpenMetadataSso("om", localArgs),
    );
    // One error, reported once: the migration's, naming the command for the whole log.
    expect(errors.map(reported)).toEqual([
      "The OpenMetadata migration failed with exit code 1; the server was not started. Read the whole log with: docker logs om-migrate. Fix the cause, then run `pulumi up` again: it re-runs the migration.\n" +
        LOGS,
    ]);
    expect(pulumi.RunError.isInstance(errors[0])).toBe(true);
    // The server's registration waits for the migration's result and is never sent; nor is the
    // verification, which waits for the server.
    expect(created(resources)).toEqual(["container", "database", "migrate", "search"]);
    expect(Object.keys(containers(resources)).sort()).toEqual(created(resources));
    expect(one(resources, CONTAINER, "om-docker-migrate").outputs).toMatchObject({
      exitCode: 1,
      containerLogs: LOGS,
    });
  });

  it("a failed verification fails the update with its message and log, after the server was created", async () => {
    const { resources, errors } = await recordFailure(
      exitsWith1("om-docker-verify"),
      () => new OpenMetadataSso("om", localArgs),
    );
    expect(errors.map(reported)).toEqual([
      "OpenMetadata does not serve the auth settings that were deployed. Read: docker logs om-verify. Fix the cause, then run `pulumi up` again: it re-runs the verification.\n" +
        LOGS,
    ]);
    expect(pulumi.RunError.isInstance(errors[0])).toBe(true);
    expect(created(resources)).toEqual([
      "container",
      "database",
      "migrate",
      "search",
      "server",
      "verify",
    ]);
  });

  it("a failed preflight fails the update before the migration: the database is never migrated", async () => {
    const preflight =
      "Preflight check of the oidc identity provider failed (1 problem); the OpenMetadata server was not deployed:\n  - The issuer is wrong.";
    const { resources, errors } = await recordFailure(
      () => undefined,
      () =>
        new DockerDeployment("om-docker", {
          settings: validateArgs(localArgs),
          identity: {
            clientId: pulumi.output("om-client"),
            clientSecret: pulumi.secret("s3cr3t"),
            issuer: pulumi.output("https://idp.example.com"),
            discoveryUrl: pulumi.output("https://idp.example.com/.well-known/openid-configuration"),
            jwksUrl: pulumi.output("https://idp.example.com/jwks"),
            openMetadataProvider: "custom-oidc",
            providerName: "OIDC",
            clientType: "confidential",
            tokenEndpointAuthMethod: "client_secret_post",
            pkce: true,
            redirectUris: ["http://localhost:8585/callback"],
          },
          keys: new SigningKeys("om-keys", { issuer: "open-metadata.org" }),
          networkName: "om-network",
          prefix: "om",
          gate: pulumi.output(Promise.reject(new pulumi.RunError(preflight))),
        }),
    );
    expect(errors.map(reported)).toEqual([preflight]);
    // The database and search start regardless; the migration and all after it never do.
    expect(created(resources)).toEqual(["database", "search"]);
    expect(Object.keys(containers(resources)).sort()).toEqual(["database", "search"]);
  });

  it("a successful run reports no error: the harness itself adds none", async () => {
    const { errors, resources } = await recordFailure(
      () => undefined,
      () => new OpenMetadataSso("om", localArgs),
    );
    expect(errors).toEqual([]);
    expect(created(resources)).toHaveLength(6);
  });
});

describe("verifyFailure", () => {
  it("names the exact docker logs command of the verifier container", () => {
    expect(verifyFailure(containerNames("om", "mysql", "elasticsearch"))).toBe(
      "OpenMetadata does not serve the auth settings that were deployed. Read: docker logs om-verify. Fix the cause, then run `pulumi up` again: it re-runs the verification.",
    );
  });

  it("leads the update's error, before the end of the verifier's log", () => {
    const logs =
      "openmetadata-sso: verification failed\n  - jwks: GET /api/v1/system/config/jwks answered HTTP 503";
    expect(
      oneShotFailure(1, logs, () => verifyFailure(containerNames("om", "mysql", "elasticsearch"))),
    ).toBe(
      [
        "OpenMetadata does not serve the auth settings that were deployed. Read: docker logs om-verify. Fix the cause, then run `pulumi up` again: it re-runs the verification.",
        "openmetadata-sso: verification failed",
        "  - jwks: GET /api/v1/system/config/jwks answered HTTP 503",
      ].join("\n"),
    );
  });
});

describe("oneShotFailure", () => {
  const failure = (code: number) => `step failed with exit code ${code}`;

  it("lets a container that exited 0, or has not run yet (preview), pass", () => {
    expect(oneShotFailure(0, "fine", failure)).toBeUndefined();
    expect(oneShotFailure(undefined, undefined, failure)).toBeUndefined();
  });

  it("fails with the message and the last 20 lines of the log otherwise", () => {
    const logs = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join("\n");
    expect(oneShotFailure(3, logs, failure)).toBe(
      [
        "step failed with exit code 3",
        ...Array.from({ length: 20 }, (_, i) => `line ${i + 6}`),
      ].join("\n"),
    );
  });

  it("leaves the wrapper's exit report lines out of the log it quotes", () => {
    const logs = [
      "Migration failed",
      "openmetadata-sso one-shot: exit=1 host=0123456789ab",
      "openmetadata-sso one-shot: exit=1 host=0123456789ab",
    ].join("\n");
    expect(oneShotFailure(1, logs, failure)).toBe("step failed with exit code 1\nMigration failed");
  });
});

describe("the one-shot exit report, run by a real shell", () => {
  /** Runs the wrapped script as the container would: `<shell> -c <script>` with HOSTNAME set. */
  const run = (shell: string, script: string, hostname: string) => {
    const result = spawnSync(shell, ["-c", reportingExit(script)], {
      env: { PATH: process.env.PATH, HOSTNAME: hostname },
      // No stdin: bash reads ~/.bashrc when its stdin looks like a network connection.
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it.each(["/bin/bash", "/bin/sh"])(
    "%s: prints the exit code and hostname last, on stdout and stderr, and exits with the code",
    (shell) => {
      expect(run(shell, "echo migrating; echo broken >&2; exit 3", "0123456789ab")).toEqual({
        status: 3,
        stdout: "migrating\nopenmetadata-sso one-shot: exit=3 host=0123456789ab\n",
        stderr: "broken\nopenmetadata-sso one-shot: exit=3 host=0123456789ab\n",
      });
      expect(run(shell, "echo done", "attempt-2")).toEqual({
        status: 0,
        stdout: "done\nopenmetadata-sso one-shot: exit=0 host=attempt-2\n",
        stderr: "openmetadata-sso one-shot: exit=0 host=attempt-2\n",
      });
    },
  );

  it("reports the code of a script that replaces itself with exec, as the trust store start does", () => {
    expect(run("/bin/bash", "set -eu\nexec /bin/sh -c 'exit 7'", "attempt-3")).toEqual({
      status: 7,
      stdout: "openmetadata-sso one-shot: exit=7 host=attempt-3\n",
      stderr: "openmetadata-sso one-shot: exit=7 host=attempt-3\n",
    });
  });

  it("runs the server image's one-shots through bash, with the trust store first when there are CA certificates", () => {
    expect(oneShotStart([], "./bootstrap/openmetadata-ops.sh migrate")).toEqual({
      entrypoints: ["/bin/bash"],
      command: ["-c", reportingExit("./bootstrap/openmetadata-ops.sh migrate")],
    });
    expect(oneShotStart(["a", "b"], "./bootstrap/openmetadata-ops.sh migrate")).toEqual({
      entrypoints: ["/bin/bash"],
      command: [
        "-c",
        reportingExit(`${truststoreScript(2)}\nexec ./bootstrap/openmetadata-ops.sh migrate`),
      ],
    });
  });
});

describe("the attempt a one-shot runs as", () => {
  it("reads the last exit report among the lines, whatever precedes it on the line", () => {
    expect(parseOneShotRun(undefined)).toBeUndefined();
    expect(parseOneShotRun([])).toBeUndefined();
    expect(parseOneShotRun(["Migration failed", "exit=1"])).toBeUndefined();
    expect(
      parseOneShotRun([
        "openmetadata-sso one-shot: exit=1 host=0123456789ab",
        "\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0034openmetadata-sso one-shot: exit=0 host=attempt-2",
      ]),
    ).toEqual({ exitCode: 0, attempt: 2 });
    // A container id as hostname: a first attempt.
    expect(parseOneShotRun(["openmetadata-sso one-shot: exit=137 host=0123456789ab"])).toEqual({
      exitCode: 137,
      attempt: 1,
    });
  });

  it("keeps the attempt that succeeded, moves past one that failed, starts at 1 without one", () => {
    expect(nextAttempt(undefined)).toBe(1);
    expect(nextAttempt({ exitCode: 0, attempt: 1 })).toBe(1);
    expect(nextAttempt({ exitCode: 0, attempt: 4 })).toBe(4);
    expect(nextAttempt({ exitCode: 1, attempt: 1 })).toBe(2);
    expect(nextAttempt({ exitCode: 2, attempt: 4 })).toBe(5);
  });

  it("names attempts after the first in the hostname, and the first not at all", () => {
    expect(attemptHostname(1)).toBeUndefined();
    expect(attemptHostname(2)).toBe("attempt-2");
    expect(attemptHostname(12)).toBe("attempt-12");
  });
});

describe("pure Docker shaping", () => {
  it("checks both engines over TCP to 127.0.0.1, not the init server's socket: PostgreSQL as the given user and database, MySQL that the database exists", () => {
    const database = { host: "db", port: 5432, name: "om_db", user: "om_user" };
    expect(databaseHealthcheck({ ...database, engine: "postgresql" })).toEqual([
      "CMD-SHELL",
      "pg_isready -h 127.0.0.1 -U om_user -d om_db",
    ]);
    expect(databaseHealthcheck({ ...database, engine: "mysql", port: 3306 })).toEqual([
      "CMD-SHELL",
      'mysql --protocol=TCP --host=127.0.0.1 --user=root --password="$MYSQL_ROOT_PASSWORD" --silent --execute "use om_db"',
    ]);
  });

  it("names containers after the prefix and engines", () => {
    expect(containerNames("om", "postgresql", "opensearch")).toEqual({
      database: "om-postgresql",
      search: "om-opensearch",
      migrate: "om-migrate",
      server: "om-server",
      proxy: "om-proxy",
      ingestion: "om-ingestion",
      verify: "om-verify",
      regenerate: "om-regenerate-bot-tokens",
      keycloak: "om-keycloak",
    });
  });

  it("takes OpenMetadata's images from the version and keeps overrides", () => {
    expect(
      dockerImages("1.12.4", {
        database: "mysql",
        search: "opensearch",
        adminPort: 8586,
        httpPort: 8585,
        images: { proxy: "nginx:1.27.4-alpine" },
        tls: { mode: "off", httpsPort: 443 },
      }),
    ).toEqual({
      server: "docker.getcollate.io/openmetadata/server:1.12.4",
      ingestion: "docker.getcollate.io/openmetadata/ingestion:1.12.4",
      database: PINNED_IMAGES.mysql,
      search: PINNED_IMAGES.opensearch,
      proxy: "nginx:1.27.4-alpine",
      verifier: PINNED_IMAGES.verifier,
    });
  });

  it("creates OpenMetadata's and Airflow's database and user, ingestion or not", () => {
    expect(initUsers("om-pw", "airflow-pw")).toEqual([
      { database: "openmetadata_db", user: "openmetadata_user", password: "om-pw" },
      { database: "airflow_db", user: "airflow_user", password: "airflow-pw" },
    ]);
  });

  it("writes init SQL per engine, quoting passwords", () => {
    expect(
      databaseInitSql("mysql", [
        { database: "openmetadata_db", user: "openmetadata_user", password: "p'w" },
      ]),
    ).toBe(
      [
        "CREATE DATABASE IF NOT EXISTS openmetadata_db;",
        "CREATE USER IF NOT EXISTS 'openmetadata_user'@'%' IDENTIFIED BY 'p''w';",
        "GRANT ALL PRIVILEGES ON openmetadata_db.* TO 'openmetadata_user'@'%';",
        "FLUSH PRIVILEGES;",
        "",
      ].join("\n"),
    );
    expect(
      databaseInitSql("postgresql", [
        { database: "airflow_db", user: "airflow_user", password: "pw" },
      ]),
    ).toBe(
      "CREATE USER airflow_user WITH PASSWORD 'pw';\nCREATE DATABASE airflow_db OWNER airflow_user;\n",
    );
  });

  it("proxies HTTPS to the server with forwarded headers", () => {
    const config = proxyConfig("om.example.com", "http://om-server:8585");
    expect(config).toContain("  listen 443 ssl;\n  server_name om.example.com;");
    expect(config).toContain("    proxy_pass http://om-server:8585;");
    expect(config).toContain("    proxy_set_header X-Forwarded-Proto https;");
  });

  it("passes WebSocket upgrades on over HTTP/1.1, which nginx does not speak upstream by default", () => {
    const config = proxyConfig("om.example.com", "http://om-server:8585");
    const location = config.slice(config.indexOf("  location / {"), config.lastIndexOf("  }") + 3);
    expect(location).toBe(
      [
        "  location / {",
        "    proxy_pass http://om-server:8585;",
        "    proxy_http_version 1.1;",
        "    proxy_set_header Host $host;",
        "    proxy_set_header X-Forwarded-Host $host;",
        "    proxy_set_header X-Forwarded-Proto https;",
        "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "    proxy_set_header Upgrade $http_upgrade;",
        '    proxy_set_header Connection "upgrade";',
        "  }",
      ].join("\n"),
    );
  });

  it("builds a complete realm for a confidential client", () => {
    const realm = keycloakRealm({
      realm: "om",
      publicUrl: "http://localhost:8585",
      clientType: "confidential",
      clientSecret: "cs",
      demoUser: { username: "jane.doe", email: "jane.doe@example.com", password: "pw" },
    });
    expect(realm).toEqual({
      realm: "om",
      enabled: true,
      displayName: "OpenMetadata (local)",
      sslRequired: "none",
      registrationAllowed: false,
      loginWithEmailAllowed: true,
      duplicateEmailsAllowed: false,
      clients: [
        {
          clientId: LOCAL_CLIENT_ID,
          name: "OpenMetadata",
          enabled: true,
          protocol: "openid-connect",
          publicClient: false,
          clientAuthenticatorType: "client-secret",
          secret: "cs",
          standardFlowEnabled: true,
          implicitFlowEnabled: false,
          directAccessGrantsEnabled: false,
          serviceAccountsEnabled: false,
          consentRequired: false,
          redirectUris: ["http://localhost:8585/callback", "http://localhost:8585/auth/callback"],
          webOrigins: ["http://localhost:8585"],
          attributes: {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "http://localhost:8585/signin",
          },
        },
      ],
      users: [
        {
          username: "jane.doe",
          enabled: true,
          email: "jane.doe@example.com",
          emailVerified: true,
          firstName: "Jane",
          lastName: "Doe",
          requiredActions: [],
          credentials: [{ type: "password", value: "pw", temporary: false }],
        },
      ],
    });
  });
});
