import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { DEFAULT_LOCAL_KEYCLOAK_VERSION } from "../config/schema";
import type { ClientType } from "../types";
import { logoutRedirectUris, redirectUris } from "../urls";
import { readyAfter } from "./common";
import { clientAuth, type IdentityApp } from "./types";

/** OpenMetadata's client id in the generated realm. */
export const LOCAL_CLIENT_ID = "openmetadata";

/** What the generated realm contains. */
export interface RealmInput {
  realm: string;
  publicUrl: string;
  clientType: ClientType;
  /** Confidential client secret; ignored for a public client. */
  clientSecret: string;
  demoUser: { username: string; email: string; password: string };
}

/**
 * The realm Keycloak imports at start: one OpenMetadata client (authorization code flow only, PKCE
 * S256, redirect URIs from `publicUrl`) and a demo user whose profile is complete, so the first
 * login asks for nothing but the password.
 */
export function keycloakRealm(input: RealmInput): Record<string, unknown> {
  const confidential = input.clientType === "confidential";
  const [first, ...rest] = input.demoUser.username.split(/[._-]/);
  return {
    realm: input.realm,
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
        publicClient: !confidential,
        clientAuthenticatorType: "client-secret",
        ...(confidential ? { secret: input.clientSecret } : {}),
        standardFlowEnabled: true,
        implicitFlowEnabled: false,
        directAccessGrantsEnabled: false,
        serviceAccountsEnabled: false,
        consentRequired: false,
        redirectUris: redirectUris(input.publicUrl),
        webOrigins: [input.publicUrl],
        attributes: {
          "pkce.code.challenge.method": "S256",
          "post.logout.redirect.uris": logoutRedirectUris(input.publicUrl).join("##"),
        },
      },
    ],
    users: [
      {
        username: input.demoUser.username,
        enabled: true,
        email: input.demoUser.email,
        emailVerified: true,
        firstName: capitalize(first),
        lastName: rest.length > 0 ? capitalize(rest.join(" ")) : "User",
        requiredActions: [],
        credentials: [{ type: "password", value: input.demoUser.password, temporary: false }],
      },
    ],
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Arguments of {@link LocalKeycloak}. */
export interface LocalKeycloakArgs {
  /**
   * Browser-facing origin of OpenMetadata.
   * @default - required
   */
  publicUrl: string;
  /**
   * Confidential (server-side flow with a secret) or public (browser flow with PKCE).
   * @default "confidential"
   */
  clientType?: ClientType;
  /**
   * Domain of the demo user's email.
   * @default - required
   */
  principalDomain: string;
  /**
   * Docker network shared with OpenMetadata.
   * @default - required
   */
  networkName: pulumi.Input<string>;
  /** Host port the browser reaches Keycloak on. @default 8081 */
  port?: number;
  /** Keycloak image tag. @default "26.4.5" */
  version?: string;
  /** Realm name. @default "openmetadata" */
  realm?: string;
  /** Demo user name. @default "demo" */
  demoUser?: string;
  /**
   * Prefix of the container name.
   * @default - the component name
   */
  prefix?: string;
}

/**
 * A Keycloak container on the Docker host with a generated realm: the identity provider of the
 * `local` stack, which needs no cloud account.
 *
 * The issuer problem between browser and server is solved with Keycloak's hostname settings: the
 * frontend URL is fixed to `http://localhost:<port>`, so the browser and every token see that
 * issuer, while `KC_HOSTNAME_BACKCHANNEL_DYNAMIC` lets the OpenMetadata server fetch discovery,
 * JWKS and tokens through the container's own name on the Docker network.
 */
export class LocalKeycloak extends pulumi.ComponentResource {
  /** The client, as OpenMetadata must use it. */
  public readonly app: IdentityApp;
  /** Keycloak as the browser reaches it. */
  public readonly url: pulumi.Output<string>;
  /** Demo user name. */
  public readonly demoUser: pulumi.Output<string>;
  /** Demo user's password (secret). */
  public readonly demoPassword: pulumi.Output<string>;
  /** Keycloak's bootstrap admin password (secret). */
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: LocalKeycloakArgs, opts?: pulumi.ComponentResourceOptions) {
    super("openmetadata-sso:index:LocalKeycloak", name, {}, opts);
    const parent = { parent: this };
    const clientType = args.clientType ?? "confidential";
    const port = args.port ?? 8081;
    const realm = args.realm ?? "openmetadata";
    const username = args.demoUser ?? "demo";
    const containerName = args.prefix ?? name;
    const browserUrl = `http://localhost:${port}`;
    const internalUrl = `http://${containerName}:8080`;

    const secret = (role: string) =>
      pulumi.secret(
        new random.RandomPassword(`${name}-${role}`, { length: 32, special: false }, parent).result,
      );
    const clientSecret = clientType === "confidential" ? secret("client-secret") : undefined;
    this.demoPassword = secret("demo-password");
    this.adminPassword = secret("admin-password");

    const realmJson = pulumi.all([clientSecret ?? "", this.demoPassword]).apply(([client, demo]) =>
      JSON.stringify(
        keycloakRealm({
          realm,
          publicUrl: args.publicUrl,
          clientType,
          clientSecret: client,
          demoUser: { username, email: `${username}@${args.principalDomain}`, password: demo },
        }),
        null,
        2,
      ),
    );
    const image = new docker.RemoteImage(
      `${name}-image`,
      {
        name: `quay.io/keycloak/keycloak:${args.version ?? DEFAULT_LOCAL_KEYCLOAK_VERSION}`,
        keepLocally: true,
      },
      parent,
    );
    const container = new docker.Container(
      `${name}-container`,
      {
        name: containerName,
        image: image.imageId,
        command: ["start-dev", "--import-realm"],
        restart: "unless-stopped",
        networksAdvanced: [{ name: args.networkName }],
        ports: [{ internal: 8080, external: port }],
        envs: [
          "KC_BOOTSTRAP_ADMIN_USERNAME=admin",
          pulumi.secret(pulumi.interpolate`KC_BOOTSTRAP_ADMIN_PASSWORD=${this.adminPassword}`),
          `KC_HOSTNAME=${browserUrl}`,
          "KC_HOSTNAME_BACKCHANNEL_DYNAMIC=true",
          "KC_HTTP_ENABLED=true",
          "KC_HEALTH_ENABLED=true",
        ],
        uploads: [
          {
            file: `/opt/keycloak/data/import/${realm}-realm.json`,
            content: pulumi.secret(realmJson),
          },
        ],
        healthcheck: {
          tests: [
            "CMD-SHELL",
            "{ printf 'HEAD /health/ready HTTP/1.0\\r\\n\\r\\n' >&0; grep 'HTTP/1.0 200'; } 0<>/dev/tcp/localhost/9000",
          ],
          interval: "10s",
          timeout: "5s",
          retries: 30,
          startPeriod: "20s",
        },
        wait: true,
        waitTimeout: 300,
      },
      parent,
    );

    this.url = pulumi.output(browserUrl);
    this.demoUser = pulumi.output(username);
    this.app = {
      // The container waits until Keycloak is ready with the realm imported; whatever uses the
      // client id (the server, its migration, the verification) waits for that.
      clientId: readyAfter(pulumi.output(LOCAL_CLIENT_ID), [container]),
      clientSecret,
      issuer: pulumi.output(`${browserUrl}/realms/${realm}`),
      discoveryUrl: pulumi.output(
        `${internalUrl}/realms/${realm}/.well-known/openid-configuration`,
      ),
      jwksUrl: pulumi.output(`${internalUrl}/realms/${realm}/protocol/openid-connect/certs`),
      openMetadataProvider: "custom-oidc",
      providerName: "Keycloak",
      clientType,
      ...clientAuth(clientType),
      redirectUris: redirectUris(args.publicUrl),
    };
    this.registerOutputs({
      url: this.url,
      demoUser: this.demoUser,
      demoPassword: this.demoPassword,
      adminPassword: this.adminPassword,
    });
  }
}
