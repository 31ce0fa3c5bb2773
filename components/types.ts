/**
 * Public vocabulary of the package: string enums and the configuration-shaped argument interfaces
 * shared by the stack config (`config/`) and the `OpenMetadataSso` component.
 *
 * Every enum is an `as const` object plus a type alias, and every interface is a plain interface
 * without unions or functions, so Pulumi's schema inference can expose them to Python, Go, .NET
 * and YAML programs.
 */
import type * as pulumi from "@pulumi/pulumi";

/** What the stack is for. Guardrails get stricter towards `production`. */
export const Environment = {
  /** A developer machine: plain-http `publicUrl` allowed, data may be deleted on request. */
  Local: "local",
  Development: "development",
  Staging: "staging",
  /** Policies are mandatory, data and signing keys are protected. */
  Production: "production",
} as const;
export type Environment = (typeof Environment)[keyof typeof Environment];

/** Where OpenMetadata runs. */
export const Target = {
  /** A single Docker host, driven by `@pulumi/docker`. */
  Docker: "docker",
  /** A Kubernetes cluster, through the official OpenMetadata Helm chart. */
  Kubernetes: "kubernetes",
} as const;
export type Target = (typeof Target)[keyof typeof Target];

/** The identity provider that holds OpenMetadata's OIDC client. */
export const IdentityProviderKind = {
  /**
   * A Keycloak container on the Docker host, with a generated realm (the `local` stack). Browsers
   * reach it at `http://localhost:<port>`, so it needs a `publicUrl` on a loopback host.
   */
  LocalKeycloak: "local-keycloak",
  /** An existing Keycloak server, through `@pulumi/keycloak`. */
  Keycloak: "keycloak",
  Okta: "okta",
  Auth0: "auth0",
  /** OneLogin, through this package's dynamic provider on the OneLogin API. */
  OneLogin: "onelogin",
  /** Microsoft Entra ID, through `@pulumi/azuread`. */
  Entra: "entra",
  /** Any OpenID provider: an existing client, or one registered dynamically (RFC 7591). */
  Oidc: "oidc",
} as const;
export type IdentityProviderKind = (typeof IdentityProviderKind)[keyof typeof IdentityProviderKind];

/** OAuth client type. */
export const ClientType = {
  /** Server-side authorization code flow; OpenMetadata holds the client secret. */
  Confidential: "confidential",
  /** Browser-side authorization code flow with PKCE; no client secret exists. */
  Public: "public",
} as const;
export type ClientType = (typeof ClientType)[keyof typeof ClientType];

/** How the client authenticates at the token endpoint (RFC 7591 names). */
export const TokenEndpointAuthMethod = {
  ClientSecretPost: "client_secret_post",
  ClientSecretBasic: "client_secret_basic",
  /** Public clients: no authentication, PKCE instead. */
  None: "none",
} as const;
export type TokenEndpointAuthMethod =
  (typeof TokenEndpointAuthMethod)[keyof typeof TokenEndpointAuthMethod];

/**
 * How a confidential client authenticates at the token endpoint: every method but `none`, which
 * is the public clients'. A custom-oidc client is always confidential.
 */
export const ConfidentialTokenEndpointAuthMethod = {
  ClientSecretPost: "client_secret_post",
  ClientSecretBasic: "client_secret_basic",
} as const;
export type ConfidentialTokenEndpointAuthMethod =
  (typeof ConfidentialTokenEndpointAuthMethod)[keyof typeof ConfidentialTokenEndpointAuthMethod];

/** The `AUTHENTICATION_PROVIDER` values this package emits. */
export const OpenMetadataProvider = {
  Okta: "okta",
  Auth0: "auth0",
  Azure: "azure",
  Google: "google",
  AwsCognito: "aws-cognito",
  CustomOidc: "custom-oidc",
} as const;
export type OpenMetadataProvider = (typeof OpenMetadataProvider)[keyof typeof OpenMetadataProvider];

/** What `pulumi destroy` does with databases, volumes and signing keys. */
export const DataRetention = {
  /** Keep them (`retainOnDelete`). */
  Retain: "retain",
  /**
   * Delete them with the stack. Refused in production. On Kubernetes, the claims of the
   * dependencies chart's MySQL and OpenSearch are deleted with their StatefulSets, which needs
   * Kubernetes 1.27 or later (docs/operations.md, Destroy and retained data).
   */
  Delete: "delete",
} as const;
export type DataRetention = (typeof DataRetention)[keyof typeof DataRetention];

/** OpenMetadata's metadata database. */
export const DatabaseEngine = {
  MySql: "mysql",
  PostgreSql: "postgresql",
} as const;
export type DatabaseEngine = (typeof DatabaseEngine)[keyof typeof DatabaseEngine];

/** OpenMetadata's search engine. */
export const SearchEngine = {
  Elasticsearch: "elasticsearch",
  OpenSearch: "opensearch",
} as const;
export type SearchEngine = (typeof SearchEngine)[keyof typeof SearchEngine];

/** How HTTPS is served on a Docker host. */
export const DockerTlsMode = {
  /** Plain HTTP on `docker.httpPort` (only with an http `publicUrl`). */
  Off: "off",
  /** A reverse proxy with a certificate signed by a private CA this stack generates. */
  Generated: "generated",
  /** A reverse proxy with the certificate in `docker.tls.certificate` and the key in `tlsPrivateKey`. */
  Provided: "provided",
} as const;
export type DockerTlsMode = (typeof DockerTlsMode)[keyof typeof DockerTlsMode];

/** URL scheme of an endpoint. */
export const HttpScheme = {
  Http: "http",
  Https: "https",
} as const;
export type HttpScheme = (typeof HttpScheme)[keyof typeof HttpScheme];

/** Where the Kubernetes target gets its database and search engine. */
export const KubernetesDependencies = {
  /** The official `openmetadata-dependencies` chart, with generated passwords. */
  Chart: "chart",
  /** Existing endpoints from `kubernetes.database` and `kubernetes.search`. */
  External: "external",
} as const;
export type KubernetesDependencies =
  (typeof KubernetesDependencies)[keyof typeof KubernetesDependencies];

/** Where the ingress certificate comes from. */
export const IngressTlsSource = {
  /** A `kubernetes.io/tls` Secret that already exists (`kubernetes.ingress.tlsSecretName`). */
  Secret: "secret",
  /** cert-manager issues it (`kubernetes.ingress.clusterIssuer`). */
  CertManager: "cert-manager",
  /** TLS terminates before the ingress (a cloud load balancer): the ingress serves HTTP. */
  External: "external",
} as const;
export type IngressTlsSource = (typeof IngressTlsSource)[keyof typeof IngressTlsSource];

/** Okta settings. The org comes from the Okta provider (`okta:orgName`, `okta:baseUrl`). */
export interface OktaArgs {
  /**
   * Name of the authorization server that issues OpenMetadata's tokens; its issuer becomes the
   * authority.
   * @default "default"
   */
  authorizationServer?: string;
  /**
   * Okta group ids assigned to the app. Only members can log in.
   * @default []
   */
  groupIds?: string[];
}

/** Auth0 settings. */
export interface Auth0Args {
  /**
   * Tenant domain, e.g. `acme.eu.auth0.com`. The stack program fills it from `auth0:domain`.
   * @default - required
   */
  domain: string;
  /**
   * Connection names enabled for the client, e.g. `Username-Password-Authentication`.
   * @default []
   */
  connections?: string[];
}

/** An existing Keycloak server. */
export interface KeycloakArgs {
  /**
   * Keycloak base URL. The stack program fills it from `keycloak:url`.
   * @default - required
   */
  url: string;
  /**
   * Realm that holds the client.
   * @default - required
   */
  realm: string;
  /**
   * Create the realm instead of using an existing one.
   * @default false
   */
  createRealm?: boolean;
  /**
   * Client id of OpenMetadata's client in the realm.
   * @default - the component name, so stacks that share a realm get one client each
   */
  clientId?: string;
}

/** The Keycloak container of the `local` stack. */
export interface LocalKeycloakArgs {
  /**
   * Host port Keycloak listens on; the browser reaches it at `http://localhost:<port>`.
   * @default 8081
   */
  port?: number;
  /**
   * Keycloak release the local Keycloak runs (`quay.io/keycloak/keycloak` image tag): pinned,
   * 26.x.y or later, as its hostname and bootstrap-admin settings need.
   * @default "26.4.5"
   */
  version?: string;
  /**
   * Realm generated and imported at start.
   * @default "openmetadata"
   */
  realm?: string;
  /**
   * Demo user created in the realm, with a generated password. Its email is
   * `<demoUser>@<principalDomain>` and it is made an OpenMetadata admin.
   * @default "demo"
   */
  demoUser?: string;
}

/** OneLogin settings. The credentials come from `onelogin:clientId|clientSecret|subdomain`. */
export interface OneLoginArgs {
  /**
   * Account subdomain (`<subdomain>.onelogin.com`).
   * @default - required
   */
  subdomain: pulumi.Input<string>;
  /**
   * API client id with "Manage All" scope.
   * @default - required
   */
  apiClientId: pulumi.Input<string>;
  /**
   * API client secret.
   * @default - required
   */
  apiClientSecret: pulumi.Input<string>;
}

/** Microsoft Entra ID settings. */
export interface EntraArgs {
  /**
   * Directory (tenant) id. The stack program fills it from `azuread:tenantId`.
   * @default - required
   */
  tenantId: string;
  /**
   * Who may sign in to the application. Only `"AzureADMyOrg"`, the tenant's own accounts:
   * OpenMetadata's authority and issuer are the tenant's, so multi-tenant and personal-account
   * audiences could never sign in.
   * @default "AzureADMyOrg"
   */
  signInAudience?: string;
  /**
   * Object ids (GUIDs) of the groups whose members may sign in. The enterprise application
   * requires an assignment (OpenMetadata checks only a token's signature), and
   * each group gets the default access role. Members of nested groups are not assigned, and
   * assigning groups needs Microsoft Entra ID P1 or P2. Empty: nobody can sign in until users or
   * groups are assigned in the Entra admin center.
   * @default []
   */
  groupIds?: string[];
  /**
   * Label of the client secret. Setting a new label (like `"2026-06"`) replaces the secret, and
   * the OpenMetadata server restarts with the new one.
   * @default "initial"
   */
  secretRotation?: string;
  /**
   * When the client secret expires, an RFC 3339 timestamp like `"2027-06-30T00:00:00Z"`.
   * Changing it replaces the secret. The `clientSecretEndDate` output shows the date in effect.
   * @default - two years after the secret is created (Microsoft Graph's default)
   */
  secretEndDate?: string;
}

/** Any OpenID provider. */
export interface OidcArgs {
  /**
   * Issuer exactly as the provider's discovery document states it, with its trailing slash when
   * it has one (Auth0, Authentik); it becomes the authority.
   * @default - required
   */
  issuer: string;
  /**
   * Client id of an existing client. Leave it out with `registration: true`.
   * @default - required unless `registration` is true
   */
  clientId?: string;
  /**
   * Register the client through the provider's `registration_endpoint` (RFC 7591).
   * @default false
   */
  registration?: boolean;
  /**
   * Discovery URL the OpenMetadata server fetches, when it must differ from the browser's view
   * (a provider inside the same network). Its `issuer` must still equal `issuer`.
   * @default - "<issuer>/.well-known/openid-configuration", one slash between them
   */
  discoveryUrl?: string;
  /**
   * Token endpoint authentication of a confidential client.
   * @default "client_secret_post"
   */
  tokenEndpointAuthMethod?: ConfidentialTokenEndpointAuthMethod;
  /**
   * Label of OpenMetadata's sign-in button.
   * @default "SSO"
   */
  providerName?: string;
  /**
   * Secret of an existing confidential client. The stack program fills it from the
   * `clientSecret` secret.
   * @default - required for an existing confidential client
   */
  clientSecret?: pulumi.Input<string>;
  /**
   * RFC 7591 initial access token. The stack program fills it from `initialAccessToken`.
   * @default - none
   */
  initialAccessToken?: pulumi.Input<string>;
}

/** The OIDC client at the identity provider. */
export interface IdentityArgs {
  /**
   * Identity provider that holds the client.
   * @default - required
   */
  provider: IdentityProviderKind;
  /**
   * Confidential (server-side flow, client secret) or public (browser flow with PKCE).
   * @default "confidential"
   */
  clientType?: ClientType;
  /**
   * Display name of the application at the identity provider.
   * @default "OpenMetadata (<component name>)"
   */
  appName?: string;
  /** Okta settings; only with `provider: okta`. @default - none */
  okta?: OktaArgs;
  /** Auth0 settings; only with `provider: auth0`. @default - none */
  auth0?: Auth0Args;
  /** Keycloak settings; only with `provider: keycloak`. @default - none */
  keycloak?: KeycloakArgs;
  /** Local Keycloak settings; only with `provider: local-keycloak`. @default - defaults of each field */
  localKeycloak?: LocalKeycloakArgs;
  /** OneLogin settings; only with `provider: onelogin`. @default - none */
  onelogin?: OneLoginArgs;
  /** Entra ID settings; only with `provider: entra`. @default - none */
  entra?: EntraArgs;
  /** Generic OIDC settings; only with `provider: oidc`. @default - none */
  oidc?: OidcArgs;
}

/** OpenMetadata's own JWT signing keys. */
export interface KeysArgs {
  /**
   * RSA modulus size of the signing key: 2048, 3072 or 4096. It is fixed when the stack first
   * creates its key: a later change is ignored, rotations included, because Pulumi carries an
   * ignored input over into a replacement.
   * @default 2048
   */
  bits?: number;
  /**
   * Rotation label. Changing it, and nothing else, replaces the key pair and the key id; bot
   * tokens are then regenerated.
   * @default "initial"
   */
  rotation?: string;
  /**
   * `iss` claim of the tokens OpenMetadata signs.
   * @default - the host of `publicUrl`
   */
  issuer?: string;
  /**
   * Protect the key pair and the key id from deletion and replacement. Pulumi refuses to replace
   * a protected resource, so a protected stack sets this to `false` for the update that changes
   * `rotation`, and removes it afterwards. The fernet key and the passwords follow `protect`.
   * @default - the value of `protect`
   */
  protect?: boolean;
}

/** The OpenMetadata server. */
export interface OpenMetadataArgs {
  /**
   * OpenMetadata release; every image is pinned from it.
   * @default "1.13.1"
   */
  version?: string;
  /**
   * Server replicas. More than one needs sticky sessions before OpenMetadata 2.0.
   * @default 1
   */
  replicas?: number;
  /**
   * JVM heap, e.g. `1G` or `1536M` (sets both `-Xms` and `-Xmx`).
   * @default "1G"
   */
  heapSize?: string;
  /**
   * `clusterName` of the server; bot tokens depend on it.
   * @default "openmetadata"
   */
  clusterName?: string;
  /**
   * Let users of the principal domain create their account at first login.
   * @default true
   */
  enableSelfSignup?: boolean;
  /**
   * Token claims tried in order to name a user.
   * @default ["email", "preferred_username", "sub"]
   */
  principalClaims?: string[];
  /**
   * Run the Airflow ingestion service next to the server.
   * @default false
   */
  ingestion?: boolean;
  /**
   * An HTTP proxy for the server's outbound requests: the identity provider's discovery document,
   * JWKS and token endpoint. The JVM ignores `HTTP(S)_PROXY`, so the server, its
   * migration and the bot token regeneration get it as JVM system properties in
   * `JAVA_TOOL_OPTIONS`. Hosts inside the deployment's network always bypass it.
   * @default - none: the server connects directly
   */
  egressProxy?: EgressProxyArgs;
  /**
   * After the in-network verification, check again from the machine running `pulumi up`, through
   * `publicUrl`, as a browser: the certificate, the served auth settings and key id, the
   * provider's issuer, the login redirect and, with several replicas, the cookie affinity. Set it
   * to `false` where the public URL cannot be reached from there (a private network): the update
   * says the check was skipped, and the in-network verification still runs.
   * @default true
   */
  checkPublicUrl?: boolean;
}

/** The HTTP proxy the OpenMetadata server reaches the internet through. */
export interface EgressProxyArgs {
  /**
   * The proxy as `http://<host>:<port>`, without path, query or credentials (the JVM's proxy
   * settings hold none). Plain `http:` even for https sites, which the JVM tunnels with CONNECT.
   * @default - required
   */
  url: string;
  /**
   * Further hosts the server reaches without the proxy, in Java's `http.nonProxyHosts` syntax: a
   * host name or an IP address, with at most one `*` at its start or its end (`*.corp.example.com`,
   * `10.*`). Loopback and the deployment's own hosts (server, database, search, Airflow, the local
   * Keycloak) are always added.
   * @default []
   */
  noProxy?: string[];
}

/** TLS on a Docker host. */
export interface DockerTlsArgs {
  /**
   * Whether and how a reverse proxy terminates HTTPS.
   * @default - "generated" for an https `publicUrl`, else "off"
   */
  mode?: DockerTlsMode;
  /**
   * PEM certificate chain for `mode: provided`, the server's certificate first and each followed by
   * its issuer; its key is the `tlsPrivateKey` secret. Read as X.509 before anything is deployed:
   * it must be valid for `publicUrl`'s host (wildcards as browsers match them), current, in chain
   * order, and the key's; a warning names a certificate that expires within 14 days.
   * @default - none
   */
  certificate?: string;
  /**
   * PEM private key of `certificate`. The stack program fills it from the `tlsPrivateKey` secret.
   * @default - none
   */
  privateKey?: pulumi.Input<string>;
  /**
   * Host port of the HTTPS proxy.
   * @default - the port of `publicUrl`, else 443
   */
  httpsPort?: number;
}

/**
 * Image overrides on a Docker host. Each is a full, pinned reference: `repository:tag` or
 * `repository@sha256:<digest>`.
 */
export interface DockerImagesArgs {
  /**
   * Image of the metadata database.
   * @default - pinned per engine ("mysql:8.0.44" or "postgres:16.4")
   */
  database?: string;
  /**
   * Image of the search engine.
   * @default - pinned per engine ("docker.elastic.co/elasticsearch/elasticsearch:9.3.0" or "opensearchproject/opensearch:3.3.2")
   */
  search?: string;
  /**
   * Image of the reverse proxy that terminates HTTPS.
   * @default "nginx:1.27.3-alpine"
   */
  proxy?: string;
  /**
   * Image of the one-shot container that verifies the deployed auth settings.
   * @default "node:22.12.0-alpine3.21"
   */
  verifier?: string;
}

/** The Docker target. The daemon comes from the Docker provider (`docker:host`, `DOCKER_HOST`). */
export interface DockerArgs {
  /**
   * Metadata database engine.
   * @default "mysql"
   */
  database?: DatabaseEngine;
  /**
   * Search engine.
   * @default "elasticsearch"
   */
  search?: SearchEngine;
  /**
   * Host port of OpenMetadata's HTTP listener.
   * @default - the port of an http `publicUrl`, else 8585
   */
  httpPort?: number;
  /**
   * Host port of OpenMetadata's admin listener (health checks).
   * @default 8586
   */
  adminPort?: number;
  /** HTTPS termination. @default - see each field */
  tls?: DockerTlsArgs;
  /**
   * Image overrides. Each must be pinned: a version tag other than `latest`, or a
   * `@sha256:<digest>`.
   * @default - pinned images
   */
  images?: DockerImagesArgs;
}

/** An existing database for the Kubernetes target. */
export interface ExternalDatabaseArgs {
  /**
   * Database engine.
   * @default "mysql"
   */
  engine?: DatabaseEngine;
  /**
   * Host name reachable from the cluster.
   * @default - required
   */
  host: string;
  /**
   * Database port.
   * @default - 3306 for MySQL, 5432 for PostgreSQL
   */
  port?: number;
  /**
   * Database (schema) that holds OpenMetadata's tables.
   * @default "openmetadata_db"
   */
  name?: string;
  /**
   * Database user OpenMetadata connects as.
   * @default "openmetadata_user"
   */
  user?: string;
  /**
   * JDBC connection parameters, as a URL query string without the leading `?`: `key=value` pairs
   * joined by `&`, such as `sslMode=REQUIRED&serverTimezone=UTC` for a managed MySQL that requires
   * TLS (PostgreSQL: `sslmode=require`). They replace the default parameters entirely, so repeat
   * any of those still needed.
   * @default "allowPublicKeyRetrieval=true&useSSL=false&serverTimezone=UTC"
   */
  params?: string;
  /**
   * Password of `user`. The stack program fills it from the `databasePassword` secret.
   * @default - required
   */
  password?: pulumi.Input<string>;
}

/** An existing search cluster for the Kubernetes target. */
export interface ExternalSearchArgs {
  /**
   * Search engine.
   * @default "opensearch"
   */
  engine?: SearchEngine;
  /**
   * Host name reachable from the cluster.
   * @default - required
   */
  host: string;
  /**
   * Port of the search engine's REST API.
   * @default 9200
   */
  port?: number;
  /**
   * Scheme of the search engine's REST API.
   * @default "http"
   */
  scheme?: HttpScheme;
  /**
   * User for basic authentication.
   * @default - no authentication
   */
  user?: string;
  /**
   * Password of `user`. The stack program fills it from the `searchPassword` secret.
   * @default - required with `user`
   */
  password?: pulumi.Input<string>;
}

/** The ingress in front of OpenMetadata. */
export interface IngressArgs {
  /**
   * Ingress class.
   * @default "nginx"
   */
  className?: string;
  /**
   * Where the certificate comes from.
   * @default "cert-manager"
   */
  tls?: IngressTlsSource;
  /**
   * Existing TLS Secret in the namespace, with `tls: secret`. `pulumi up` and `pulumi preview` read
   * it before the release and fail when it is missing.
   * @default - none
   */
  tlsSecretName?: string;
  /**
   * cert-manager ClusterIssuer with `tls: cert-manager`.
   * @default "letsencrypt"
   */
  clusterIssuer?: string;
  /**
   * cert-manager Issuer in the release's namespace, with `tls: cert-manager`; used instead of
   * `clusterIssuer` when set.
   * @default - none: `clusterIssuer` issues the certificate
   */
  issuer?: string;
  /**
   * Cookie affinity at the ingress (ingress-nginx annotations), required for more than one
   * replica before OpenMetadata 2.0.
   * @default false
   */
  stickySessions?: boolean;
}

/** The Kubernetes target. */
export interface KubernetesArgs {
  /**
   * kubeconfig context.
   * @default - the kubeconfig's current context
   */
  context?: string;
  /**
   * Path of the kubeconfig file.
   * @default - `KUBECONFIG` or `~/.kube/config`
   */
  kubeconfig?: string;
  /**
   * Namespace of every object.
   * @default "openmetadata"
   */
  namespace?: string;
  /**
   * Create the namespace; set false to use an existing one. With `ingress.tls: secret` the namespace
   * holds that TLS Secret already, so it is never created there (true is refused).
   * @default - true; false with `ingress.tls: secret`
   */
  createNamespace?: boolean;
  /**
   * Database and search from the dependencies chart, or existing endpoints.
   * @default "chart"
   */
  dependencies?: KubernetesDependencies;
  /** Existing database, with `dependencies: external`. @default - none */
  database?: ExternalDatabaseArgs;
  /** Existing search cluster, with `dependencies: external`. @default - none */
  search?: ExternalSearchArgs;
  /** Ingress settings. @default - see each field */
  ingress?: IngressArgs;
  /**
   * Storage class of the dependencies' volumes.
   * @default - the cluster default
   */
  storageClass?: string;
  /**
   * Storage class of Airflow's DAGs and logs volumes, with `openmetadata.ingestion` and
   * `dependencies: chart`. Airflow's pods share them, so the class must provide ReadWriteMany
   * (EFS, Azure Files, Filestore, NFS), which block storage does not.
   * @default - `storageClass`
   */
  sharedStorageClass?: string;
}

/** Arguments of the `OpenMetadataSso` component. The stack program builds them from stack config. */
export interface OpenMetadataSsoArgs {
  /**
   * What the stack is for; guardrails and data protection follow it.
   * @default "production"
   */
  environment?: Environment;
  /**
   * Origin users open in the browser, e.g. `https://openmetadata.example.com`. Every redirect URI,
   * callback and server URL derives from it, in its normal form: scheme and host in lower case,
   * the scheme's default port dropped. Must be https unless `environment` is `local`.
   * @default - required
   */
  publicUrl: string;
  /**
   * Where OpenMetadata runs.
   * @default - required
   */
  target: Target;
  /**
   * Emails of OpenMetadata's first admins, all in the principal domain.
   * @default - required
   */
  admins: string[];
  /**
   * The one email domain OpenMetadata admits.
   * @default - the domain of the first admin
   */
  principalDomain?: string;
  /**
   * The OIDC client at the identity provider.
   * @default - required
   */
  identity: IdentityArgs;
  /** OpenMetadata's signing keys. @default - a 2048-bit key, rotation "initial" */
  keys?: KeysArgs;
  /** The OpenMetadata server. @default - version 1.13.1, one replica */
  openmetadata?: OpenMetadataArgs;
  /** Docker target settings; only with `target: docker`. @default - MySQL and Elasticsearch */
  docker?: DockerArgs;
  /** Kubernetes target settings; only with `target: kubernetes`. @default - dependencies chart and an nginx ingress */
  kubernetes?: KubernetesArgs;
  /**
   * Whether `pulumi destroy` keeps databases, volumes and signing keys.
   * @default "retain"
   */
  dataRetention?: DataRetention;
  /**
   * Protect databases, volumes and signing keys from deletion.
   * @default - true in production, false elsewhere
   */
  protect?: boolean;
  /**
   * Certificates of the private certificate authorities that issued the TLS certificates of the
   * identity provider (or of other endpoints the server and the checks reach), as PEM text: one or
   * more `-----BEGIN CERTIFICATE-----` blocks, each a CA certificate (root or intermediate) that
   * has not expired. OpenMetadata's server, its migration and the bot token regeneration trust
   * them through a JVM trust store built from the image's own CA certificates plus these; the
   * preflight, the discovery of the JWKS URL and the verification trust them too. Public CAs stay
   * trusted. Not a secret: certificates are public.
   * @default - none: only the public CAs of the JDK and of Node are trusted
   */
  trustedCaCertificates?: string;
}
