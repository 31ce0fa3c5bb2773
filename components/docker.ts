import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { expectedAuth, verificationFailure, VERIFIER_ENV, verifierScript } from "./checks/verify";
import type { ResolvedDocker, ResolvedSettings } from "./config";
import {
  retention,
  secretSource,
  secretSources,
  securityInput,
  type SecretSources,
} from "./deployment";
import type { IdentityApp } from "./identity/types";
import type { SigningKeys } from "./keys";
import {
  botTokenEnv,
  isSecretRef,
  KEY_PATHS,
  serverEnv,
  type ServerEnv,
  type Topology,
} from "./settings/env";
import {
  CA_BUNDLE_FILE,
  CA_DIRECTORY,
  caCertificates,
  caFiles,
  NODE_EXTRA_CA_CERTS,
  withTruststore,
} from "./settings/truststore";
import type { DatabaseEngine, SearchEngine } from "./types";
import { hostOf } from "./urls";

/**
 * Pinned images of the dependencies. OpenMetadata's own images follow `openmetadata.version`; each
 * dependency meets the minimums of components/settings/compatibility.ts (a test holds it there).
 */
export const PINNED_IMAGES = {
  // The 8.0 line OpenMetadata's own db image builds on (docker/mysql/Dockerfile_mysql, `FROM
  // mysql:8.0`), above the 8.0.42 minimum of the v1.13.x "Minimum Requirements". An 8.0.39 volume
  // upgrades in place: MySQL 8.0 upgrades its data dictionary at startup.
  mysql: "mysql:8.0.44",
  // Meets "PostgreSQL version 15 or higher" (v1.13.x "Minimum Requirements"). Kept at 16: a
  // PostgreSQL major version cannot read another's data directory, so a lower major would strand
  // every existing volume.
  postgresql: "postgres:16.4",
  // What OpenMetadata 1.13.1's quickstart runs (docker/docker-compose-quickstart/docker-compose.yml
  // at the 1.13.1 release), and the release the v1.13.x docs recommend.
  elasticsearch: "docker.elastic.co/elasticsearch/elasticsearch:9.3.0",
  // What the openmetadata-dependencies chart 1.13.1 deploys: its opensearch chart 3.3.2, whose
  // appVersion is 3.3.2.
  opensearch: "opensearchproject/opensearch:3.3.2",
  proxy: "nginx:1.27.3-alpine",
  verifier: "node:22.12.0-alpine3.21",
} as const;

/**
 * The MySQL server's flags. The sort buffer is OpenMetadata's quickstart setting. Airflow 3 (the
 * 1.13.1 ingestion image runs apache/airflow 3.2.1) creates stored functions while it migrates its
 * database, which MySQL refuses with binary logging on unless function creators are trusted
 * (OpenMetadata docs v1.13.x, upgrade prerequisites, "--log-bin-trust-function-creators=1";
 * PostgreSQL is not affected). Set always: Airflow's database exists whether or not ingestion is on.
 */
export const MYSQL_FLAGS = ["--sort_buffer_size=10M", "--log-bin-trust-function-creators=1"];

/** Every image a Docker deployment pulls, each pinned to an exact tag. */
export function dockerImages(version: string, docker: ResolvedDocker) {
  return {
    server: `docker.getcollate.io/openmetadata/server:${version}`,
    ingestion: `docker.getcollate.io/openmetadata/ingestion:${version}`,
    database: docker.images.database ?? PINNED_IMAGES[docker.database],
    search: docker.images.search ?? PINNED_IMAGES[docker.search],
    proxy: docker.images.proxy ?? PINNED_IMAGES.proxy,
    verifier: docker.images.verifier ?? PINNED_IMAGES.verifier,
  };
}

/** Container DNS names, each derived from the deployment's prefix. */
export function containerNames(prefix: string, database: DatabaseEngine, search: SearchEngine) {
  return {
    database: `${prefix}-${database}`,
    search: `${prefix}-${search}`,
    migrate: `${prefix}-migrate`,
    server: `${prefix}-server`,
    proxy: `${prefix}-proxy`,
    ingestion: `${prefix}-ingestion`,
    verify: `${prefix}-verify`,
    regenerate: `${prefix}-regenerate-bot-tokens`,
    keycloak: `${prefix}-keycloak`,
  };
}

/** What every failed one-shot on Docker says it takes to run it again. */
export const RERUN = "Fix the cause, then run `pulumi up` again: it re-runs";

/**
 * What a failed verification says first: the command that prints the verifier's whole log, and
 * that the next `pulumi up` runs the verification again.
 */
export function verifyFailure(names: ReturnType<typeof containerNames>): string {
  return `${verificationFailure(`docker logs ${names.verify}`)}. ${RERUN} the verification.`;
}

const DATABASE_PORTS: Record<DatabaseEngine, number> = { mysql: 3306, postgresql: 5432 };

/** Where the server finds its dependencies inside the Docker network. */
export function dockerTopology(
  settings: ResolvedSettings,
  names: ReturnType<typeof containerNames>,
): Topology {
  const docker = settings.docker!;
  return {
    database: {
      engine: docker.database,
      host: names.database,
      port: DATABASE_PORTS[docker.database],
      name: "openmetadata_db",
      user: "openmetadata_user",
    },
    search: {
      engine: docker.search,
      host: names.search,
      port: 9200,
      scheme: "http",
      // Elasticsearch runs with security on and a generated password; OpenSearch's security
      // plugin needs TLS on its REST port, so it runs unexposed in the private network instead.
      ...(docker.search === "elasticsearch" ? { user: "elastic" } : {}),
    },
    ...(settings.openmetadata.ingestion
      ? { airflowEndpoint: `http://${names.ingestion}:8080` }
      : {}),
    heapSize: settings.openmetadata.heapSize,
    clusterName: settings.openmetadata.clusterName,
    ...(settings.openmetadata.egressProxy === undefined
      ? {}
      : { egressProxy: settings.openmetadata.egressProxy }),
    ...(settings.identity.provider === "local-keycloak" ? { identityHost: names.keycloak } : {}),
    ...(settings.trustedCaCertificates === undefined
      ? {}
      : { trustedCaCertificates: caCertificates(settings.trustedCaCertificates) }),
  };
}

/**
 * The database container's health check, over TCP to 127.0.0.1 for both engines: each image's
 * entrypoint runs the init scripts on a temporary server that listens on the Unix socket only
 * (MySQL with `--skip-networking`), then stops it and starts the real one. Over the socket the
 * check could pass on the temporary server, and the migration would find no server listening.
 * MySQL: the OpenMetadata database exists. PostgreSQL: `pg_isready` as OpenMetadata's user on its
 * database.
 */
export function databaseHealthcheck(database: Topology["database"]): string[] {
  return database.engine === "mysql"
    ? [
        "CMD-SHELL",
        `mysql --protocol=TCP --host=127.0.0.1 --user=root --password="$MYSQL_ROOT_PASSWORD" --silent --execute "use ${database.name}"`,
      ]
    : ["CMD-SHELL", `pg_isready -h 127.0.0.1 -U ${database.user} -d ${database.name}`];
}

/** A database user to create at first start. */
export interface DatabaseUser {
  database: string;
  user: string;
  password: string;
}

/**
 * The databases and users the init SQL creates: OpenMetadata's, and Airflow's whether or not
 * ingestion is on, since the SQL runs only on an empty volume and never when ingestion is turned
 * on later.
 */
export function initUsers(
  databasePassword: string,
  airflowDatabasePassword: string,
): DatabaseUser[] {
  return [
    { database: "openmetadata_db", user: "openmetadata_user", password: databasePassword },
    { database: "airflow_db", user: "airflow_user", password: airflowDatabasePassword },
  ];
}

/** SQL run once by the database image on an empty volume: one database and user each. */
export function databaseInitSql(engine: DatabaseEngine, users: DatabaseUser[]): string {
  const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
  return (
    users
      .map(({ database, user, password }) =>
        engine === "mysql"
          ? [
              `CREATE DATABASE IF NOT EXISTS ${database};`,
              `CREATE USER IF NOT EXISTS '${user}'@'%' IDENTIFIED BY ${quote(password)};`,
              `GRANT ALL PRIVILEGES ON ${database}.* TO '${user}'@'%';`,
            ].join("\n")
          : [
              `CREATE USER ${user} WITH PASSWORD ${quote(password)};`,
              `CREATE DATABASE ${database} OWNER ${user};`,
            ].join("\n"),
      )
      .join("\n") + (engine === "mysql" ? "\nFLUSH PRIVILEGES;\n" : "\n")
  );
}

/**
 * nginx configuration of the TLS proxy: HTTPS in, the server's HTTP port out. WebSocket upgrades
 * (OpenMetadata's live updates) pass through only over HTTP/1.1 upstream: nginx's proxy module
 * speaks HTTP/1.0 to the upstream unless `proxy_http_version` says otherwise, and the upgrade
 * needs `Upgrade` and `Connection` passed on explicitly, as they are hop-by-hop headers (nginx
 * docs, ngx_http_proxy_module `proxy_http_version` "By default, version 1.0 is used", and
 * "WebSocket proxying", nginx.org/en/docs/http/websocket.html; both hold for nginx 1.27).
 */
export function proxyConfig(serverName: string, upstream: string): string {
  return [
    "server {",
    "  listen 443 ssl;",
    `  server_name ${serverName};`,
    "  ssl_certificate /etc/nginx/tls/tls.crt;",
    "  ssl_certificate_key /etc/nginx/tls/tls.key;",
    "  ssl_protocols TLSv1.2 TLSv1.3;",
    "  client_max_body_size 100m;",
    "  location / {",
    `    proxy_pass ${upstream};`,
    "    proxy_http_version 1.1;",
    "    proxy_set_header Host $host;",
    "    proxy_set_header X-Forwarded-Host $host;",
    "    proxy_set_header X-Forwarded-Proto https;",
    "    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "    proxy_set_header Upgrade $http_upgrade;",
    '    proxy_set_header Connection "upgrade";',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** `KEY=VALUE` entries for a container; each entry holding a secret is itself a secret. */
export function containerEnvs(env: ServerEnv, sources: SecretSources): pulumi.Output<string>[] {
  return Object.keys(env)
    .sort()
    .map((name) => {
      const value = env[name];
      return isSecretRef(value)
        ? pulumi.secret(pulumi.interpolate`${name}=${secretSource(sources, value.secret)}`)
        : pulumi.output(`${name}=${value}`);
    });
}

/**
 * What never changes a bot token regeneration once it ran: it belongs to one rotation label, and
 * a new label creates a new one with current values. Its hostname is not frozen: after a failed
 * run, the next update replaces it under a new attempt hostname, and Pulumi carries these ignored
 * inputs into the replacement, so it runs again as it first ran. The entrypoint is frozen so that
 * a regeneration that ran before one-shots reported their exit does not run again.
 */
export const REGENERATION_FROZEN = [
  "image",
  "envs",
  "uploads",
  "workingDir",
  "entrypoints",
  "command",
  "networksAdvanced",
];

/** The JWT key files, uploaded at the paths the settings name; the private key is a secret. */
export function keyUploads(keys: SigningKeys): docker.types.input.ContainerUpload[] {
  return [
    { file: KEY_PATHS.privateKey, contentBase64: keys.privateKeyDer },
    { file: KEY_PATHS.publicKey, contentBase64: keys.publicKeyDer },
  ];
}

/**
 * What the server image runs by default: `CMD ["/openmetadata-start.sh"]` under
 * `ENTRYPOINT ["/bin/bash"]` (OpenMetadata `docker/docker-compose-quickstart/Dockerfile`, read at
 * the 1.10.15 quickstart; the 1.13.1 image itself was not pulled here).
 */
export const SERVER_START = "/openmetadata-start.sh";

/** The CA certificate files, uploaded where the trust store script and Node read them. */
export function caUploads(certificates: readonly string[]): docker.types.input.ContainerUpload[] {
  return Object.entries(caFiles(certificates)).map(([file, content]) => ({
    file: `${CA_DIRECTORY}/${file}`,
    content,
  }));
}

/**
 * How a container of the server image starts `command` (a shell command): unchanged without CA
 * certificates; with them, through bash, after writing the JVM's trust store, which
 * `JAVA_TOOL_OPTIONS` names. The store lives in the container's `/tmp`, so each container
 * writes its own, from the certificates uploaded into it, at every start.
 */
export function jvmStart(
  certificates: readonly string[],
  command: string,
): { entrypoints?: string[]; command?: string[] } {
  if (certificates.length === 0) return {};
  return {
    entrypoints: ["/bin/bash"],
    command: ["-c", withTruststore(certificates.length, command)],
  };
}

// ---------------------------------------------------------------------------------------------
// One-shots that a plain `pulumi up` re-runs after a failure.
//
// What the Docker provider does (@pulumi/docker 5.2.0 bridges kreuzwerker/terraform-provider-docker
// v4.5.0: pulumi-docker's `upstream` submodule is at that tag since "Upgrade
// terraform-provider-docker to v4.5.0", and upstream has no later tag), read in that source:
// - internal/provider/resource_docker_container_funcs.go, resourceDockerContainerCreate: with
//   `attach` it waits until the container stops (ContainerWait, WaitConditionNotRunning), with
//   `logs` it stores the output in `container_logs`, then it reads the container, which sets
//   `exit_code` from ContainerInspect when the container is not running. A non-zero exit code
//   does not fail the create: the container is in the state with that exit code.
// - resourceDockerContainerRead sets `exit_code` again from the same stopped container (a
//   refresh reads the same number back) and never `container_logs`; resourceDockerContainerUpdate
//   changes only restart policy and resources, it never starts a one-shot with `must_run = false`.
// - internal/provider/resource_docker_container.go: `name`, `image`, `env`, `command`,
//   `entrypoint`, `hostname`, `labels`, `upload`, `working_dir` and `networks_advanced` are
//   ForceNew; pulumi-docker's provider/resources.go sets DeleteBeforeReplace for docker_container,
//   so a replacement removes the old container (and its fixed name) before it creates the new one.
// So a failed one-shot stays failed: no update changes its inputs, nothing re-runs it, and every
// update reads the stored exit code again. Pulumi.yaml `refresh: always` would read the same exit
// code back; `replaceOnChanges` and `replacementTrigger` act only on a value the program computes.
// The program must therefore learn, while it runs, whether the previous run failed, and then
// change a ForceNew input of exactly that container.
//
// The only container read a program has is the `docker_logs` data source (`docker.getLogs`,
// internal/provider/data_source_docker_logs.go): ContainerLogs by container name, split into
// lines; it fails when no container has that name. With `discard_headers` (the default) it cuts
// the first 8 bytes of every line, the header Docker puts before each log entry; `tail` limits the
// read to the last entries. It runs in `pulumi preview` as in `pulumi up` (an invoke), and it
// cannot see exit codes, only what the container printed.
//
// Hence: each one-shot runs under a wrapper that prints, last, one line with its exit code and its
// hostname, on stdout and on stderr (Docker copies the two streams separately, so either copy may
// come last; within one stream the order holds). Docker gives every container a `HOSTNAME`
// variable holding its hostname (Docker docs, "docker run" reference, environment variables),
// which is the short container id unless `hostname` is set. The attempt number rides in the
// hostname: the first run has none (`attempt` 1), the retry after a failed attempt n gets
// `attempt-<n+1>`. A changed hostname replaces the container (ForceNew), which runs it again; a
// successful run, or none, keeps the hostname as it was, so a second `pulumi up` changes nothing.
// ---------------------------------------------------------------------------------------------

/** The start of the line a one-shot prints last. */
export const ONE_SHOT_MARKER = "openmetadata-sso one-shot:";

/**
 * A shell script that runs `script` in a subshell, prints the {@link ONE_SHOT_MARKER} line with
 * its exit code and the container's hostname on stdout and on stderr, and exits with that code.
 * For bash and busybox sh alike.
 */
export function reportingExit(script: string): string {
  const line = `echo "${ONE_SHOT_MARKER} exit=$code host=$HOSTNAME"`;
  return ["(", script, ")", "code=$?", line, `${line} >&2`, "exit $code"].join("\n");
}

/**
 * How a one-shot of the server image starts `command` (a shell command): through bash, under
 * {@link reportingExit}, after writing the JVM's trust store when there are CA certificates.
 * Bash is named as the entrypoint, so the image's own entrypoint does not matter.
 */
export function oneShotStart(
  certificates: readonly string[],
  command: string,
): { entrypoints: string[]; command: string[] } {
  const script = certificates.length === 0 ? command : withTruststore(certificates.length, command);
  return { entrypoints: ["/bin/bash"], command: ["-c", reportingExit(script)] };
}

/** A one-shot's previous run, as the last line it printed reports it. */
export interface OneShotRun {
  exitCode: number;
  /** 1 for a container without an attempt hostname. */
  attempt: number;
}

/** The last {@link ONE_SHOT_MARKER} line among `lines`, or `undefined` when none has one. */
export function parseOneShotRun(lines: readonly string[] | undefined): OneShotRun | undefined {
  const pattern = new RegExp(`${ONE_SHOT_MARKER} exit=(\\d+) host=(\\S*)`);
  for (const line of [...(lines ?? [])].reverse()) {
    const match = pattern.exec(line);
    if (!match) continue;
    const attempt = /^attempt-(\d+)$/.exec(match[2]);
    return { exitCode: Number(match[1]), attempt: attempt ? Number(attempt[1]) : 1 };
  }
  return undefined;
}

/**
 * The attempt the container runs as in this update: the previous one when it succeeded, the next
 * one when it failed, the first when there was none (or it cannot be read).
 */
export function nextAttempt(previous: OneShotRun | undefined): number {
  if (previous === undefined) return 1;
  return previous.exitCode === 0 ? previous.attempt : previous.attempt + 1;
}

/** The hostname of an attempt: none for the first, so a first run's inputs carry no attempt. */
export function attemptHostname(attempt: number): string | undefined {
  return attempt === 1 ? undefined : `attempt-${attempt}`;
}

/**
 * Reads the previous run of the one-shot container `name` (its last log line) and returns the
 * hostname this update gives it. A missing container is a first run; any other failure to read is
 * too, with a warning: a failed run is then not re-run until it can be read.
 */
export function oneShotHostname(
  name: string,
  opts: { parent?: pulumi.Resource },
): pulumi.Output<string | undefined> {
  const read = docker
    .getLogs({ name, tail: "1", discardHeaders: true }, { parent: opts.parent })
    .then(
      (result) => parseOneShotRun(result.logsListStrings),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        // Docker's answer for a name no container has (moby's errNoSuchContainer).
        if (!message.includes("No such container")) {
          void pulumi.log.warn(
            `Cannot read the last run of the one-shot container ${name}: ${message}. ` +
              "If it failed, this update does not run it again.",
            opts.parent,
          );
        }
        return undefined;
      },
    );
  return pulumi.output(read.then((previous) => attemptHostname(nextAttempt(previous))));
}

/** Creates the deployment's network; every container resolves the others by name on it. */
export function dockerNetwork(name: string, opts: pulumi.CustomResourceOptions): docker.Network {
  return new docker.Network(name, { name, driver: "bridge" }, opts);
}

/** Arguments of {@link DockerDeployment}. */
export interface DockerDeploymentArgs {
  /**
   * Validated settings; `settings.docker` holds the target's own.
   * @default - required
   */
  settings: ResolvedSettings;
  /**
   * The OIDC client OpenMetadata uses.
   * @default - required
   */
  identity: IdentityApp;
  /**
   * Signing keys, fernet key and passwords.
   * @default - required
   */
  keys: SigningKeys;
  /**
   * Docker network every container joins.
   * @default - required
   */
  networkName: pulumi.Input<string>;
  /**
   * Prefix of every container and volume name.
   * @default - the component name
   */
  prefix?: string;
  /**
   * An output the migration and the OpenMetadata server wait for, such as the preflight check of
   * the identity provider. It becomes their `openmetadata-sso.preflight` label, so a failed check
   * stops the update before the database is migrated, even without a preview
   * (`pulumi up --skip-preview`); the database, search and keys do not wait for it.
   * @default - none: neither waits
   */
  gate?: pulumi.Input<string>;
}

/** What every step of a Docker deployment shares: its names, images, network and parent. */
interface DockerScope {
  /** The component's name; every child's Pulumi name derives from it. */
  name: string;
  /** Prefix of every container and volume name. */
  prefix: string;
  settings: ResolvedSettings;
  target: ResolvedDocker;
  names: ReturnType<typeof containerNames>;
  images: ReturnType<typeof dockerImages>;
  topology: Topology;
  /** The network every container joins. */
  network: docker.types.input.ContainerNetworksAdvanced[];
  /** `{ parent }` of every child. */
  parent: pulumi.CustomResourceOptions;
  /** Pulls an image once per reference and returns its id. */
  image(reference: string): pulumi.Output<string>;
  /** A named volume, kept like the data it holds. */
  volume(role: string): docker.Volume;
}

/** What the migration, the server and the bot token regeneration share: the server's workload. */
interface ServerWorkload {
  /** The server's image id. */
  image: pulumi.Output<string>;
  /** The server environment, with secrets as references. */
  env: pulumi.Output<ServerEnv>;
  /** The environment as container entries, secrets resolved into secret entries. */
  envs: pulumi.Output<pulumi.Output<string>[]>;
  /** The JWT key files, and the CA certificate files with private CAs. */
  uploads: docker.types.input.ContainerUpload[];
  /** The CA certificates every JVM trusts besides the JDK's (`trustedCaCertificates`). */
  certificates: string[];
  /** Where the server answers inside the network. */
  internalUrl: string;
  /** The preflight gate's label, or none. */
  gated: docker.types.input.ContainerLabel[];
}

/**
 * OpenMetadata on one Docker host: database and search with retained volumes and health checks, a
 * one-shot migration with the server's exact env and files, the server, an optional TLS proxy and
 * ingestion service, and a verification run from inside the network.
 */
export class DockerDeployment extends pulumi.ComponentResource {
  /** The server environment as deployed, with secrets as references. */
  public readonly env: pulumi.Output<ServerEnv>;
  /** CA certificate to trust, when the TLS certificate is generated. */
  public readonly caCertificate?: pulumi.Output<string>;
  /** `"succeeded"` once the verification found the deployed auth settings and key id. */
  public readonly verification: pulumi.Output<string>;
  /** `"succeeded"` once the bot tokens were regenerated after a key rotation. */
  public readonly botTokens?: pulumi.Output<string>;

  constructor(name: string, args: DockerDeploymentArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:DockerDeployment", name, {}, opts);
    const { settings, identity, keys } = args;
    const scope = this.scope(name, args);
    const tlsOn = scope.target.tls.mode !== "off";

    const database = this.database(scope, keys);
    const search = this.search(scope, keys);
    const workload = this.workload(scope, identity, keys, tlsOn, args.gate);
    this.env = workload.env;
    const { migrate, migrated } = this.migration(scope, workload, [database, search]);
    if (settings.openmetadata.ingestion) this.ingestion(scope, keys, [database, search]);
    const server = this.server(scope, workload, migrate, migrated, tlsOn);
    const verifyAfter: pulumi.Resource[] = [server];
    if (tlsOn) {
      const { proxy, caCertificate } = this.proxy(scope, server);
      this.caCertificate = caCertificate;
      verifyAfter.push(proxy);
    }
    if (settings.keys.rotation !== "initial") {
      const { regenerate, botTokens } = this.botTokenRegeneration(
        scope,
        workload,
        identity,
        keys,
        server,
      );
      // The verification checks the final state, after the one-shot that rotation needs.
      verifyAfter.push(regenerate);
      this.botTokens = botTokens;
    }
    this.verification = this.verify(scope, workload, server, verifyAfter);

    // Registering the gates makes their failures fail this component's update.
    this.registerOutputs({
      env: this.env,
      caCertificate: this.caCertificate,
      verification: this.verification,
      botTokens: this.botTokens,
    });
  }

  /** Network: the names, images and network attachment every step shares. */
  private scope(name: string, args: DockerDeploymentArgs): DockerScope {
    const { settings } = args;
    const target = settings.docker!;
    const prefix = args.prefix ?? name;
    const names = containerNames(prefix, target.database, target.search);
    const keep = retention(settings);
    const parent = { parent: this };
    const pulled = new Map<string, docker.RemoteImage>();
    return {
      name,
      prefix,
      settings,
      target,
      names,
      images: dockerImages(settings.openmetadata.version, target),
      topology: dockerTopology(settings, names),
      network: [{ name: args.networkName, aliases: [] as string[] }],
      parent,
      image: (reference) => {
        let remote = pulled.get(reference);
        if (!remote) {
          const role = reference.replace(/^.*\//, "").replace(/[^A-Za-z0-9]+/g, "-");
          remote = new docker.RemoteImage(
            `${name}-image-${role}`,
            { name: reference, keepLocally: true },
            parent,
          );
          pulled.set(reference, remote);
        }
        return remote.imageId;
      },
      volume: (role) =>
        new docker.Volume(`${name}-${role}`, { name: `${prefix}-${role}` }, { ...parent, ...keep }),
    };
  }

  /**
   * Data: the database with generated passwords, created by an init script on the empty volume.
   * The script runs only then, so it creates Airflow's database and user even without ingestion:
   * turning ingestion on later finds them.
   */
  private database(scope: DockerScope, keys: SigningKeys): docker.Container {
    const { name, names, images, target, topology, network, parent } = scope;
    const databaseVolume = scope.volume("db-data");
    const users = pulumi
      .all([keys.databasePassword, keys.airflowDatabasePassword])
      .apply(([om, airflow]) => initUsers(om, airflow));
    const mysql = target.database === "mysql";
    return new docker.Container(
      `${name}-database`,
      {
        name: names.database,
        image: scope.image(images.database),
        restart: "unless-stopped",
        networksAdvanced: network,
        envs: mysql
          ? [pulumi.secret(pulumi.interpolate`MYSQL_ROOT_PASSWORD=${keys.adminPassword}`)]
          : [pulumi.secret(pulumi.interpolate`POSTGRES_PASSWORD=${keys.adminPassword}`)],
        command: mysql ? MYSQL_FLAGS : ["-c", "work_mem=10MB"],
        volumes: [
          {
            volumeName: databaseVolume.name,
            containerPath: mysql ? "/var/lib/mysql" : "/var/lib/postgresql/data",
          },
        ],
        uploads: [
          {
            file: "/docker-entrypoint-initdb.d/openmetadata.sql",
            content: pulumi.secret(users.apply((list) => databaseInitSql(target.database, list))),
          },
        ],
        healthcheck: {
          tests: databaseHealthcheck(topology.database),
          interval: "10s",
          timeout: "10s",
          retries: 30,
          startPeriod: "30s",
        },
        wait: true,
        waitTimeout: 300,
      },
      { ...parent, dependsOn: [databaseVolume] },
    );
  }

  /** Search: Elasticsearch or OpenSearch, single node, on its own volume. */
  private search(scope: DockerScope, keys: SigningKeys): docker.Container {
    const { name, names, images, target, network, parent } = scope;
    const searchVolume = scope.volume("search-data");
    const elastic = target.search === "elasticsearch";
    return new docker.Container(
      `${name}-search`,
      {
        name: names.search,
        image: scope.image(images.search),
        restart: "unless-stopped",
        networksAdvanced: network,
        // Both images' entrypoints pass every env var named like `a.b` to the engine as `-Ea.b=…`
        // (elastic/elasticsearch distribution/docker/src/docker/bin/docker-entrypoint.sh;
        // opensearch-project/opensearch-build docker/release/config/opensearch/
        // opensearch-docker-entrypoint-default.x.sh, the entrypoint of OpenSearch 3.x images).
        envs: elastic
          ? [
              // Security stays on: the `elastic` user with ELASTIC_PASSWORD, which the entrypoint
              // writes to the keystore as `bootstrap.password` (same entrypoint). TLS is off on
              // both layers explicitly, so the server speaks plain HTTP (ELASTICSEARCH_SCHEME
              // "http"); a single node needs no transport TLS. OpenMetadata's own quickstart runs
              // the same image with security off instead.
              "discovery.type=single-node",
              "ES_JAVA_OPTS=-Xms1024m -Xmx1024m",
              "xpack.security.enabled=true",
              "xpack.security.http.ssl.enabled=false",
              "xpack.security.transport.ssl.enabled=false",
              pulumi.secret(pulumi.interpolate`ELASTIC_PASSWORD=${keys.searchPassword}`),
            ]
          : [
              // DISABLE_SECURITY_PLUGIN=true makes the entrypoint start OpenSearch with
              // `plugins.security.disabled=true` and skip the demo setup, the only step that needs
              // OPENSEARCH_INITIAL_ADMIN_PASSWORD (entrypoint above). So: plain HTTP, no user and no
              // admin password, as in OpenMetadata's docker-compose-opensearch-standalone.yml and
              // the openmetadata-dependencies chart 1.13.1 (`plugins.security.disabled: true`,
              // `protocol: http`).
              "discovery.type=single-node",
              "OPENSEARCH_JAVA_OPTS=-Xms1024m -Xmx1024m",
              "DISABLE_SECURITY_PLUGIN=true",
              "DISABLE_INSTALL_DEMO_CONFIG=true",
            ],
        volumes: [
          {
            volumeName: searchVolume.name,
            containerPath: elastic ? "/usr/share/elasticsearch/data" : "/usr/share/opensearch/data",
          },
        ],
        // curl is in both images. Elasticsearch's Dockerfiles either install it (Ubuntu base,
        // dockerfiles/default/Dockerfile) or download with the base image's own curl and build the
        // final stage from that same base (UBI, Dockerfile.default). OpenSearch images from 2.10 on
        // are built on amazonlinux:2023 (opensearch-build docker/release/dockerfiles/
        // opensearch.al2023.dockerfile), and OpenMetadata's compose file above runs a curl health
        // check inside such an image (2.19.0). Not run here against a real container.
        healthcheck: {
          tests: elastic
            ? [
                "CMD-SHELL",
                'curl -s -u "elastic:$ELASTIC_PASSWORD" http://localhost:9200/_cluster/health | grep -qE \'"status":"(green|yellow)"\'',
              ]
            : [
                "CMD-SHELL",
                'curl -s http://localhost:9200/_cluster/health | grep -qE \'"status":"(green|yellow)"\'',
              ],
          interval: "15s",
          timeout: "10s",
          retries: 20,
          startPeriod: "30s",
        },
        wait: true,
        waitTimeout: 300,
      },
      { ...parent, dependsOn: [searchVolume] },
    );
  }

  /** The server's settings, and the env and files both the migration and the server get. */
  private workload(
    scope: DockerScope,
    identity: IdentityApp,
    keys: SigningKeys,
    tlsOn: boolean,
    gate: pulumi.Input<string> | undefined,
  ): ServerWorkload {
    const { settings, names, topology } = scope;
    const sources = secretSources(keys, identity);
    const internalUrl = `http://${names.server}:8585`;
    const input = securityInput(settings, identity, keys, internalUrl, tlsOn);
    const env = input.apply((plain) => serverEnv(plain, topology));
    return {
      env,
      envs: env.apply((plain) => containerEnvs(plain, sources)),
      uploads: [...keyUploads(keys), ...caUploads(topology.trustedCaCertificates ?? [])],
      certificates: topology.trustedCaCertificates ?? [],
      image: scope.image(scope.images.server),
      internalUrl,
      // Waiting for the gate: a label, so its failure fails the container's creation.
      gated: gate === undefined ? [] : [{ label: "openmetadata-sso.preflight", value: gate }],
    };
  }

  /**
   * Migration: one shot, same env and files as the server; a failure stops the update before the
   * server. It waits for the gate too: a wrong identity provider must not leave a migrated
   * database behind.
   */
  private migration(
    scope: DockerScope,
    workload: ServerWorkload,
    dependencies: docker.Container[],
  ): { migrate: docker.Container; migrated: pulumi.Output<string> } {
    const { name, names, network, parent } = scope;
    const migrate = new docker.Container(
      `${name}-migrate`,
      {
        name: names.migrate,
        image: workload.image,
        networksAdvanced: network,
        envs: workload.envs,
        uploads: workload.uploads,
        workingDir: "/opt/openmetadata",
        ...oneShotStart(workload.certificates, "./bootstrap/openmetadata-ops.sh migrate"),
        hostname: oneShotHostname(names.migrate, parent),
        labels: workload.gated,
        restart: "no",
        mustRun: false,
        attach: true,
        logs: true,
      },
      { ...parent, dependsOn: dependencies },
    );
    const migrated = oneShotGate(
      migrate,
      (code) =>
        `The OpenMetadata migration failed with exit code ${code}; the server was not started. ` +
        `Read the whole log with: docker logs ${names.migrate}. ${RERUN} the migration.`,
    );
    return { migrate, migrated };
  }

  /** Ingestion (Airflow), with the password the server uses and its own database. */
  private ingestion(
    scope: DockerScope,
    keys: SigningKeys,
    dependencies: docker.Container[],
  ): docker.Container {
    const { name, names, images, target, network, parent } = scope;
    const mysql = target.database === "mysql";
    // Airflow 3 signs the tokens a task presents to the API server's Execution API with
    // `[api_auth] jwt_secret`. Left unset, every Airflow process makes up its own key at startup,
    // and tokens fail between processes (Airflow docs 3.2.1, security/jwt_token_authentication,
    // "Signing and Cryptography": deployment managers must set it). ingestion_dependency.sh starts
    // the API server, the DAG processor and the scheduler as separate processes, and sets no key.
    const jwtSecret = new random.RandomPassword(
      `${name}-airflow-jwt-secret`,
      { length: 64, special: false },
      parent,
    );
    // `[api] secret_key` must be the same in every Airflow component: the API server signs with it
    // the request that fetches a task's log from where the task ran (Airflow configuration
    // reference 3.0.2 to 3.1.8, preamble and [api] secret_key; the 3.2 page was not read). The
    // start script sets none, and a key baked into the image's airflow.cfg at build time (the
    // ingestion Dockerfile runs `airflow db migrate` "to create airflow.cfg") would be the same for
    // everyone who pulls the image. OpenMetadata's dependencies chart 1.13.1 means to give all
    // components one static key (values.yaml `airflow.webserverSecretKey`, "strongly recommended
    // for Airflow 3", @039a208), though under Airflow 3 the apache/airflow chart it uses passes
    // that value to no container (see dependenciesValues in kubernetes.ts). So the container gets
    // a key of its own.
    const apiSecretKey = new random.RandomPassword(
      `${name}-airflow-api-secret-key`,
      { length: 64, special: false },
      parent,
    );
    return new docker.Container(
      `${name}-ingestion`,
      {
        name: names.ingestion,
        image: scope.image(images.ingestion),
        restart: "unless-stopped",
        networksAdvanced: network,
        // The image's start script, as OpenMetadata's compose files run it (entrypoint /bin/bash,
        // command /opt/airflow/ingestion_dependency.sh). Its Airflow 3 version (open-metadata/
        // OpenMetadata ingestion/ingestion_dependency.sh, Collate Community License header; two
        // stored copies read, neither at a known commit: the 1.13.1 tag could not be read, the
        // repository being over the fetch limit) reads DB_HOST, DB_PORT, AIRFLOW_DB, DB_USER,
        // DB_PASSWORD (URL-encoded into the URL), DB_SCHEME (default mysql+mysqldb),
        // DB_PROPERTIES, AIRFLOW_ADMIN_USER and AIRFLOW_ADMIN_PASSWORD, sets
        // AIRFLOW__DATABASE__SQL_ALCHEMY_CONN unless given, runs `airflow db migrate`, creates the
        // admin user (FAB, when `pip list` shows apache-airflow-providers-fab) or writes it to the
        // simple auth manager's password file, then starts `airflow api-server --port 8080`, the
        // DAG processor and the scheduler. The admin password is pasted unquoted into a shell
        // command and into a quoted Python literal, which the generated passwords (letters and
        // digits only) survive. The ingestion Dockerfile installs `psycopg2 mysqlclient==2.1.1`,
        // the drivers of the two schemes below (ingestion/Dockerfile, RI_VERSION 1.13.3.2 copy,
        // FROM apache/airflow:3.2.2-python3.10; the 1.13.1 Dockerfile was not read). The 1.13.0
        // release notes say "Airflow upgraded to 3.2.1"; the 1.13.1 notes change no Airflow
        // version (open-metadata/openmetadata-site content/product-updates/v1.13.{0,1}.md @0639c61).
        //
        // No `_PIP_ADDITIONAL_REQUIREMENTS` FAB pin here, unlike the dependencies chart 1.13.1
        // (`apache-airflow-providers-fab==2.4.4`, "Workaround for Airflow 3 + MySQL", values.yaml
        // @039a208): that variable is read only by the apache/airflow image's own /entrypoint
        // (apache/airflow scripts/docker/entrypoint_prod.sh, stored copies of unknown version),
        // which this container, like OpenMetadata's compose, replaces with /bin/bash, so setting
        // it would install nothing. The copies of the quickstart compose
        // read (open-metadata/OpenMetadata docker/docker-compose-quickstart, 1.6.4 and older;
        // 1.13.1 not read) set no such pin either.
        entrypoints: ["/bin/bash"],
        command: ["/opt/airflow/ingestion_dependency.sh"],
        envs: [
          pulumi.secret(pulumi.interpolate`AIRFLOW__API_AUTH__JWT_SECRET=${jwtSecret.result}`),
          pulumi.secret(pulumi.interpolate`AIRFLOW__API__SECRET_KEY=${apiSecretKey.result}`),
          // The script's own default; the server calls the API with basic auth (the
          // openmetadata chart 1.13.1: `airflow.auth`, apiEndpoint at the api-server's port 8080).
          "AIRFLOW__API__AUTH_BACKENDS=airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session",
          "AIRFLOW__CORE__EXECUTOR=LocalExecutor",
          "AIRFLOW__OPENMETADATA_AIRFLOW_APIS__DAG_GENERATED_CONFIGS=/opt/airflow/dag_generated_configs",
          `DB_HOST=${names.database}`,
          `DB_PORT=${DATABASE_PORTS[target.database]}`,
          "AIRFLOW_DB=airflow_db",
          `DB_SCHEME=${mysql ? "mysql+mysqldb" : "postgresql+psycopg2"}`,
          "DB_USER=airflow_user",
          pulumi.secret(pulumi.interpolate`DB_PASSWORD=${keys.airflowDatabasePassword}`),
          "AIRFLOW_ADMIN_USER=admin",
          pulumi.secret(pulumi.interpolate`AIRFLOW_ADMIN_PASSWORD=${keys.airflowPassword}`),
        ],
        volumes: ["dag-airflow", "dags", "tmp"].map((role) => ({
          volumeName: scope.volume(`ingestion-${role}`).name,
          containerPath: {
            "dag-airflow": "/opt/airflow/dag_generated_configs",
            dags: "/opt/airflow/dags",
            tmp: "/tmp",
          }[role]!,
        })),
      },
      { ...parent, dependsOn: dependencies },
    );
  }

  /** Server: waits for a successful migration and for nothing else. */
  private server(
    scope: DockerScope,
    workload: ServerWorkload,
    migrate: docker.Container,
    migrated: pulumi.Output<string>,
    tlsOn: boolean,
  ): docker.Container {
    const { name, names, target, network, parent } = scope;
    return new docker.Container(
      `${name}-server`,
      {
        name: names.server,
        image: workload.image,
        restart: "unless-stopped",
        networksAdvanced: network,
        envs: workload.envs,
        uploads: workload.uploads,
        ...jvmStart(workload.certificates, SERVER_START),
        ports: [
          // Behind the TLS proxy the server is reachable on the host's loopback only.
          { internal: 8585, external: target.httpPort, ip: tlsOn ? "127.0.0.1" : "0.0.0.0" },
          { internal: 8586, external: target.adminPort, ip: "127.0.0.1" },
        ],
        labels: [
          { label: "openmetadata-sso.role", value: "server" },
          { label: "openmetadata-sso.migration", value: migrated },
          ...workload.gated,
        ],
        healthcheck: {
          tests: ["CMD-SHELL", "wget -q --spider http://localhost:8586/healthcheck"],
          interval: "15s",
          timeout: "10s",
          retries: 40,
          startPeriod: "60s",
        },
        wait: true,
        waitTimeout: 600,
      },
      { ...parent, dependsOn: [migrate] },
    );
  }

  /** Proxy: TLS in front of the server, with a provided or generated certificate. */
  private proxy(
    scope: DockerScope,
    server: docker.Container,
  ): { proxy: docker.Container; caCertificate?: pulumi.Output<string> } {
    const { name, names, images, settings, target, network, parent } = scope;
    const certificate = this.certificate(name, settings, target);
    const proxy = new docker.Container(
      `${name}-proxy`,
      {
        name: names.proxy,
        image: scope.image(images.proxy),
        restart: "unless-stopped",
        networksAdvanced: network,
        ports: [{ internal: 443, external: target.tls.httpsPort }],
        uploads: [
          {
            file: "/etc/nginx/conf.d/default.conf",
            content: proxyConfig(hostOf(settings.publicUrl), `http://${names.server}:8585`),
          },
          { file: "/etc/nginx/tls/tls.crt", content: certificate.certificate },
          { file: "/etc/nginx/tls/tls.key", content: pulumi.secret(certificate.privateKey) },
        ],
      },
      { ...parent, dependsOn: [server] },
    );
    return { proxy, caCertificate: certificate.caCertificate };
  }

  /**
   * Bot tokens are signed with the signing key: after a rotation the old ones stop working, so the
   * ops tool regenerates them once the server runs with the new key. One container per rotation
   * label: a rotation creates a new one with the current image, env and keys; once it succeeded,
   * nothing (not even a version upgrade) runs it again, and after a failure the next update does.
   */
  private botTokenRegeneration(
    scope: DockerScope,
    workload: ServerWorkload,
    identity: IdentityApp,
    keys: SigningKeys,
    server: docker.Container,
  ): { regenerate: docker.Container; botTokens: pulumi.Output<string> } {
    const { name, names, settings, network, parent } = scope;
    const sources = secretSources(keys, identity);
    const rotation = settings.keys.rotation;
    const regenerate = new docker.Container(
      `${name}-regenerate-bot-tokens-${rotation}`,
      {
        name: `${names.regenerate}-${rotation}`,
        image: workload.image,
        networksAdvanced: network,
        envs: workload.env.apply((env) => containerEnvs(botTokenEnv(env), sources)),
        uploads: workload.uploads,
        workingDir: "/opt/openmetadata",
        ...oneShotStart(
          workload.certificates,
          "./bootstrap/openmetadata-ops.sh regenerate-bot-tokens",
        ),
        hostname: oneShotHostname(`${names.regenerate}-${rotation}`, parent),
        labels: [{ label: "openmetadata-sso.rotation", value: rotation }],
        restart: "no",
        mustRun: false,
        attach: true,
        logs: true,
      },
      { ...parent, dependsOn: [server], ignoreChanges: REGENERATION_FROZEN },
    );
    const botTokens = oneShotGate(
      regenerate,
      (code) =>
        `Regenerating the bot tokens after the key rotation failed with exit code ${code}; bots and ingestion get 401 until it succeeds. ` +
        `Read: docker logs ${names.regenerate}-${rotation}. ${RERUN} this regeneration, with the image, env and files it first ran with.`,
    );
    return { regenerate, botTokens };
  }

  /** Verification, from inside the network, after every change of the server. */
  private verify(
    scope: DockerScope,
    workload: ServerWorkload,
    server: docker.Container,
    after: pulumi.Resource[],
  ): pulumi.Output<string> {
    const { name, names, images, settings, network, parent } = scope;
    const trusted = workload.certificates.length > 0;
    const verify = new docker.Container(
      `${name}-verify`,
      {
        name: names.verify,
        image: scope.image(images.verifier),
        networksAdvanced: network,
        envs: [
          `${VERIFIER_ENV.url}=${workload.internalUrl}`,
          pulumi.interpolate`${VERIFIER_ENV.expected}=${workload.env.apply((env) => JSON.stringify(expectedAuth(env)))}`,
          pulumi.interpolate`OPENMETADATA_SERVER_ID=${server.id}`,
          // It reads the provider's JWKS as the server does, trusting the same CAs.
          ...(trusted ? [`${NODE_EXTRA_CA_CERTS}=${CA_DIRECTORY}/${CA_BUNDLE_FILE}`] : []),
        ],
        uploads: [
          {
            file: "/verify/verify.cjs",
            content: verifierScript({
              egressProxy: settings.openmetadata.egressProxy !== undefined,
            }),
          },
          ...(trusted
            ? [
                {
                  file: `${CA_DIRECTORY}/${CA_BUNDLE_FILE}`,
                  content: caFiles(workload.certificates)[CA_BUNDLE_FILE],
                },
              ]
            : []),
        ],
        // The node image has busybox sh (node:<version>-alpine).
        entrypoints: ["/bin/sh"],
        command: ["-c", reportingExit("node /verify/verify.cjs")],
        hostname: oneShotHostname(names.verify, parent),
        restart: "no",
        mustRun: false,
        attach: true,
        logs: true,
      },
      { ...parent, dependsOn: after },
    );
    return oneShotGate(verify, () => verifyFailure(names));
  }
  /** The proxy's certificate: provided in config, or signed by a private CA generated here. */
  private certificate(name: string, settings: ResolvedSettings, target: ResolvedDocker) {
    const parent = { parent: this };
    if (target.tls.mode === "provided") {
      return {
        certificate: pulumi.output(target.tls.certificate!),
        privateKey: pulumi.secret(pulumi.output(target.tls.privateKey!)),
        caCertificate: undefined,
      };
    }
    const host = hostOf(settings.publicUrl);
    const caKey = new tls.PrivateKey(
      `${name}-ca-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      parent,
    );
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        validityPeriodHours: 24 * 365 * 5,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        subject: { commonName: `openmetadata-sso CA (${name})`, organization: "openmetadata-sso" },
      },
      parent,
    );
    const serverKey = new tls.PrivateKey(
      `${name}-tls-key`,
      { algorithm: "ECDSA", ecdsaCurve: "P256" },
      parent,
    );
    const request = new tls.CertRequest(
      `${name}-tls-request`,
      { privateKeyPem: serverKey.privateKeyPem, dnsNames: [host], subject: { commonName: host } },
      parent,
    );
    const certificate = new tls.LocallySignedCert(
      `${name}-tls-certificate`,
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: 24 * 365,
        earlyRenewalHours: 24 * 30,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      parent,
    );
    return {
      certificate: pulumi.interpolate`${certificate.certPem}${ca.certPem}`,
      privateKey: pulumi.secret(serverKey.privateKeyPem),
      caCertificate: ca.certPem,
    };
  }
}

/**
 * Why a one-shot container failed, or `undefined` when it exited 0 (or has not run: preview): the
 * message, then the last lines of its log.
 */
export function oneShotFailure(
  code: number | undefined,
  logs: string | undefined,
  failure: (code: number) => string,
): string | undefined {
  return code !== undefined && code !== 0 ? `${failure(code)}\n${tail(logs)}` : undefined;
}

/**
 * Waits for a one-shot container (attached, so Pulumi waits for it to exit) and fails the update
 * unless it exited 0. The result is an output: whatever consumes it (the server's label, the
 * component's registered outputs) fails with it.
 */
function oneShotGate(
  container: docker.Container,
  failure: (code: number) => string,
): pulumi.Output<string> {
  return pulumi.all([container.exitCode, container.containerLogs]).apply(([code, logs]) => {
    const message = oneShotFailure(code, logs, failure);
    if (message) throw new pulumi.RunError(message);
    return "succeeded";
  });
}

/** The last lines of a container log, for an error message, without the exit report lines. */
function tail(logs: string | undefined, lines = 20): string {
  return (logs ?? "")
    .trimEnd()
    .split("\n")
    .filter((line) => !line.startsWith(ONE_SHOT_MARKER))
    .slice(-lines)
    .join("\n");
}
