import * as pulumi from "@pulumi/pulumi";
import { doctorOutput, outsideGate } from "./checks/outside-gate";
import { preflightGate } from "./checks/preflight";
import { validateArgs, type ResolvedSettings } from "./config";
import { KUBERNETES_SUFFIX } from "./config/rules";
import { retention } from "./deployment";
import type { IdentityApp } from "./identity/types";
import { SigningKeys } from "./keys";
import { isSecretRef, type ServerEnv } from "./settings/env";
import { caCertificates } from "./settings/truststore";
import { envReference, securityYaml, SECURITY_YAML_KEYS, workflowConfig } from "./settings/yaml";
import type { OpenMetadataSsoArgs } from "./types";
import { loginUrl, openMetadataJwksUrl } from "./urls";

// The arguments live with the rest of the public vocabulary, so that config, which validates them
// before any resource exists, depends on nothing above it.
export type { OpenMetadataSsoArgs } from "./types";

/**
 * OpenMetadata with single sign-on: the OIDC client at the identity provider, OpenMetadata's
 * signing keys and secrets, and the deployment to Docker or Kubernetes with matching settings.
 */
export class OpenMetadataSso extends pulumi.ComponentResource {
  /** The URL users open. */
  public readonly url: pulumi.Output<string>;
  /** OpenMetadata's login page. */
  public readonly loginUrl: pulumi.Output<string>;
  /** Client id of the OIDC client at the identity provider. */
  public readonly clientId: pulumi.Output<string>;
  /** Issuer (authority) of the identity provider. */
  public readonly issuer: pulumi.Output<string>;
  /**
   * When the client secret expires (RFC 3339), for Microsoft Entra ID, whose application passwords
   * expire; set `identity.entra.secretRotation` to a new label to replace it before then.
   */
  public readonly clientSecretEndDate?: pulumi.Output<string>;
  /** OpenMetadata's own JWKS, at the public URL. */
  public readonly jwksUrl: pulumi.Output<string>;
  /** Key id of OpenMetadata's signing key. */
  public readonly keyId: pulumi.Output<string>;
  /**
   * The `authenticationConfiguration`, `authorizerConfiguration` and `jwtTokenConfiguration`
   * blocks for an `openmetadata.yaml` on your own hosts. Secrets appear as `${ENV}` references.
   */
  public readonly openMetadataYaml: pulumi.Output<string>;
  /** Ingestion `workflowConfig` snippet for the `metadata` CLI (secret). */
  public readonly workflowConfig: pulumi.Output<string>;
  /** Keycloak of the local stack, when `identity.provider` is `local-keycloak`. */
  public readonly keycloakUrl?: pulumi.Output<string>;
  /** Demo user of the local Keycloak. */
  public readonly demoUser?: pulumi.Output<string>;
  /** Demo user's password (secret). Read it with `pulumi stack output --show-secrets demoPassword`. */
  public readonly demoPassword?: pulumi.Output<string>;
  /** CA certificate to trust when the Docker target generates its TLS certificate. */
  public readonly caCertificate?: pulumi.Output<string>;
  /**
   * What `npm run doctor -- <stack>` reads to check the deployment from where you stand, as JSON:
   * the public URL, the auth settings and key id served, the login parameters, the replicas and
   * affinity cookie, and the CA certificates to trust. Holds no secret.
   */
  public readonly doctor: pulumi.Output<string>;

  constructor(name: string, args: OpenMetadataSsoArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every problem is reported before anything is registered, the names the component derives
    // for its Kubernetes objects included.
    const settings = validateArgs(args, name);
    // Non-secret settings travel as the component's inputs: the policy pack (policy/) reads them
    // to tell production resources from the others.
    super(
      "openmetadata-sso:index:OpenMetadataSso",
      name,
      {
        environment: settings.environment,
        target: settings.target,
        publicUrl: settings.publicUrl,
        admins: settings.admins,
        principalDomain: settings.principalDomain,
        version: settings.openmetadata.version,
        // Present only when `keys.protect` departs from `protect`: a rotation's explicit opt-out.
        keyPairProtected:
          settings.keys.protect === settings.protect ? undefined : settings.keys.protect,
      },
      opts,
    );

    const warning = keyProtectionWarning(settings);
    if (warning) pulumi.log.warn(warning, this);

    const keep = retention(settings);
    const keys = new SigningKeys(
      `${name}-keys`,
      {
        bits: settings.keys.bits,
        rotation: settings.keys.rotation,
        issuer: settings.keys.issuer,
        ...keep,
        protectKeyPair: settings.keys.protect,
      },
      { parent: this },
    );

    const deployment =
      settings.target === "docker"
        ? this.deployToDocker(name, settings, keys)
        : this.deployToKubernetes(name, settings, keys);

    // From where users stand, after the in-network verification: the public URL as a browser meets it.
    const outside = {
      deployment: {
        publicUrl: settings.publicUrl,
        redirectUris: deployment.identity.redirectUris,
        replicas: settings.openmetadata.replicas,
        ...(deployment.affinityCookie === undefined
          ? {}
          : { affinityCookie: deployment.affinityCookie }),
      },
      identity: deployment.identity,
      env: deployment.env,
    };
    const ca = publicUrlCa(deployment.caCertificate, settings);
    const publicUrlCheck = outsideGate(
      {
        ...outside,
        enabled: settings.openmetadata.checkPublicUrl,
        after: deployment.verification,
      },
      { parent: this, ...ca },
    );

    this.url = pulumi.output(settings.publicUrl);
    this.loginUrl = pulumi.output(loginUrl(settings.publicUrl));
    this.clientId = deployment.identity.clientId;
    this.issuer = deployment.identity.issuer;
    this.clientSecretEndDate = deployment.identity.clientSecretEndDate;
    this.jwksUrl = pulumi.output(openMetadataJwksUrl(settings.publicUrl));
    this.keyId = keys.keyId;
    this.openMetadataYaml = deployment.env.apply(bareMetalSnippet);
    this.workflowConfig = pulumi.secret(
      workflowConfig(`${settings.publicUrl}/api`, envReference("OPENMETADATA_INGESTION_BOT_TOKEN")),
    );
    this.keycloakUrl = deployment.keycloakUrl;
    this.demoUser = deployment.demoUser;
    this.demoPassword = deployment.demoPassword;
    this.caCertificate = deployment.caCertificate;
    // The same expectations, for `doctor` to check again any time.
    this.doctor = doctorOutput(outside, ca.ca);

    this.registerOutputs({
      url: this.url,
      loginUrl: this.loginUrl,
      clientId: this.clientId,
      issuer: this.issuer,
      clientSecretEndDate: this.clientSecretEndDate,
      jwksUrl: this.jwksUrl,
      keyId: this.keyId,
      openMetadataYaml: this.openMetadataYaml,
      workflowConfig: this.workflowConfig,
      keycloakUrl: this.keycloakUrl,
      demoUser: this.demoUser,
      demoPassword: this.demoPassword,
      caCertificate: this.caCertificate,
      doctor: this.doctor,
      // Registered so that a failed check fails the update.
      publicUrlCheck,
    });
  }

  private deployToDocker(name: string, settings: ResolvedSettings, keys: SigningKeys): Deployment {
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded only by Docker stacks (issue 9) */
    const { containerNames, dockerNetwork, DockerDeployment } =
      require("./docker") as typeof import("./docker");
    const network = dockerNetwork(`${name}-network`, { parent: this });
    let identity: IdentityApp;
    let local: Pick<Deployment, "keycloakUrl" | "demoUser" | "demoPassword"> = {};
    if (settings.identity.provider === "local-keycloak") {
      const { LocalKeycloak } =
        require("./identity/local-keycloak") as typeof import("./identity/local-keycloak");
      /* eslint-enable @typescript-eslint/no-require-imports */
      const keycloak = new LocalKeycloak(
        `${name}-keycloak`,
        {
          publicUrl: settings.publicUrl,
          clientType: settings.identity.clientType,
          principalDomain: settings.principalDomain,
          networkName: network.name,
          // The server's topology names the same container, to reach it without the proxy.
          prefix: containerNames(name, settings.docker!.database, settings.docker!.search).keycloak,
          ...settings.identity.localKeycloak!,
        },
        { parent: this },
      );
      identity = keycloak.app;
      local = {
        keycloakUrl: keycloak.url,
        demoUser: keycloak.demoUser,
        demoPassword: keycloak.demoPassword,
      };
    } else {
      identity = createIdentityApp(name, settings, this);
    }
    // The server waits for the preflight check of the identity provider; nothing else does.
    const gate = preflightGate(identity, settings.identity.provider, {
      parent: this,
      ...trustedCa(settings),
    });
    const deployment = new DockerDeployment(
      `${name}-docker`,
      { settings, identity, keys, networkName: network.name, prefix: name, gate },
      { parent: this },
    );
    return {
      identity,
      env: deployment.env,
      verification: deployment.verification,
      caCertificate: deployment.caCertificate,
      ...local,
    };
  }

  private deployToKubernetes(
    name: string,
    settings: ResolvedSettings,
    keys: SigningKeys,
  ): Deployment {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only by Kubernetes stacks (issue 9)
    const { KubernetesDeployment } = require("./kubernetes") as typeof import("./kubernetes");
    const deployment = new KubernetesDeployment(
      `${name}${KUBERNETES_SUFFIX}`,
      {
        settings,
        keys,
        // Once the namespace and the data marker are declared, the client at the identity
        // provider waits for them: an update refused for data an earlier destroy kept creates
        // nothing there. It stays this component's child, under the URN it always had.
        identity: (ready) => {
          const identity = createIdentityApp(name, settings, this, ready);
          // The server's pods wait for the preflight check of the identity provider.
          const gate = preflightGate(identity, settings.identity.provider, {
            parent: this,
            ...trustedCa(settings),
          });
          return { app: identity, gate };
        },
      },
      { parent: this },
    );
    const identity = deployment.identity;
    return {
      identity,
      env: deployment.env,
      verification: deployment.verification,
      ...(deployment.affinityCookie === undefined
        ? {}
        : { affinityCookie: deployment.affinityCookie }),
    };
  }
}

/** What a target hands back to the top-level component. */
interface Deployment {
  identity: IdentityApp;
  env: pulumi.Output<ServerEnv>;
  /** Resolves once the in-network verification passed. */
  verification: pulumi.Output<string>;
  /** The ingress's affinity cookie, with sticky sessions. */
  affinityCookie?: string;
  keycloakUrl?: pulumi.Output<string>;
  demoUser?: pulumi.Output<string>;
  demoPassword?: pulumi.Output<string>;
  caCertificate?: pulumi.Output<string>;
}

/** The bare-metal snippet: the security part of the env, with secrets as `${ENV}` references. */
export function bareMetalSnippet(env: ServerEnv): string {
  const security = Object.fromEntries(
    Object.keys(SECURITY_YAML_KEYS)
      .filter((key) => env[key] !== undefined)
      .map((key) => {
        const value = env[key];
        return [key, isSecretRef(value) ? envReference(key) : value];
      }),
  );
  return securityYaml(security);
}

/**
 * Creates the OIDC client at a hosted identity provider, nothing of it before `after` exists. Each
 * provider module is loaded only when the stack uses it.
 */
function createIdentityApp(
  name: string,
  settings: ResolvedSettings,
  parent: pulumi.Resource,
  after: readonly pulumi.Resource[] = [],
): IdentityApp {
  const identity = settings.identity;
  const common = {
    publicUrl: settings.publicUrl,
    clientType: identity.clientType,
    appName: identity.appName ?? `OpenMetadata (${name})`,
    after,
  };
  const opts = { parent };
  /* eslint-disable @typescript-eslint/no-require-imports -- one provider SDK per stack (issue 9) */
  switch (identity.provider) {
    case "okta": {
      const { OktaApp } = require("./identity/okta") as typeof import("./identity/okta");
      return new OktaApp(`${name}-okta`, { ...common, ...identity.okta }, opts).app;
    }
    case "auth0": {
      const { Auth0App } = require("./identity/auth0") as typeof import("./identity/auth0");
      return new Auth0App(`${name}-auth0`, { ...common, ...identity.auth0! }, opts).app;
    }
    case "keycloak": {
      const { KeycloakClient } =
        require("./identity/keycloak") as typeof import("./identity/keycloak");
      // One client per stack: two stacks may share a realm.
      const keycloak = { ...identity.keycloak!, clientId: identity.keycloak!.clientId ?? name };
      // A realm the stack creates holds users: it is kept like the data.
      return new KeycloakClient(
        `${name}-keycloak`,
        { ...common, ...keycloak, ...retention(settings) },
        opts,
      ).app;
    }
    case "onelogin": {
      const { OneLoginApp } =
        require("./identity/onelogin") as typeof import("./identity/onelogin");
      return new OneLoginApp(`${name}-onelogin`, { ...common, ...identity.onelogin! }, opts).app;
    }
    case "entra": {
      const { EntraApp } = require("./identity/entra") as typeof import("./identity/entra");
      return new EntraApp(`${name}-entra`, { ...common, ...identity.entra! }, opts).app;
    }
    case "oidc": {
      const { OidcClient } = require("./identity/oidc") as typeof import("./identity/oidc");
      const ca = trustedCa(settings).ca;
      return new OidcClient(
        `${name}-oidc`,
        {
          ...common,
          ...identity.oidc!,
          ...(ca === undefined ? {} : { trustedCaCertificates: ca }),
        },
        opts,
      ).app;
    }
    case "local-keycloak":
      throw new Error("local-keycloak is created by the Docker target.");
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/**
 * The CAs the checks through the public URL trust besides Node's roots: the Docker target's
 * generated CA, to which its own certificate chains, and `trustedCaCertificates`, for a public URL
 * or an identity provider behind a private CA. None when there are neither.
 */
export function publicUrlCa(
  generated: pulumi.Output<string> | undefined,
  settings: ResolvedSettings,
): { ca?: pulumi.Output<string[]> } {
  const trusted = trustedCa(settings).ca ?? [];
  if (generated !== undefined) return { ca: generated.apply((pem) => [pem, ...trusted]) };
  return trusted.length > 0 ? { ca: pulumi.output(trusted) } : {};
}

/** The CA certificates the program's own requests trust besides Node's roots, if any. */
export function trustedCa(settings: ResolvedSettings): { ca?: string[] } {
  return settings.trustedCaCertificates === undefined
    ? {}
    : { ca: caCertificates(settings.trustedCaCertificates) };
}

/**
 * The warning for a stack whose data is protected but whose key pair is not: the state a rotation
 * needs for one update, and that should not outlast it.
 */
export function keyProtectionWarning(settings: ResolvedSettings): string | undefined {
  if (!settings.protect || settings.keys.protect) return undefined;
  return "keys.protect is false while the rest of this stack is protected, so the signing key pair and key id can be replaced or deleted. Once the rotation is deployed, remove keys.protect to protect them again.";
}
