/**
 * The scene the checks through the public URL run against: the stand-in OpenMetadata behind its
 * HTTPS front (standin.ts), and oidc-provider as a Keycloak-shaped identity provider with two
 * clients: `openmetadata`, registered with both of the server's callbacks, and `partial`, whose
 * registration lost the server's callback. `healthy` is what a correct deployment serves, and
 * `expected` what the checks expect of it; tests change either per case.
 */
import type { OutsideExpectations } from "../../components/checks/outside";
import type { ExpectedAuth } from "../../components/checks/verify";
import { SHAPES, startProvider, type TestProvider } from "./oidc";
import { AFFINITY_COOKIE, startStandIn, type Served, type StandIn } from "./standin";

export interface OutsideScene {
  front: StandIn;
  idp: TestProvider;
  publicUrl: string;
  /** The auth settings deployed: what the server serves and the checks expect. */
  auth: ExpectedAuth;
  healthy: Served;
  expected: OutsideExpectations;
}

/** Starts the front with `chain` and `key`, and the provider; the pods serve `kids` as keys. */
export async function startOutsideScene(options: {
  chain: string;
  key: string;
  keyId: string;
  kids: string[];
}): Promise<OutsideScene> {
  // The front's URL is known once it listens; what it serves is set right after.
  const front = await startStandIn({} as Served, options.chain, options.key);
  const publicUrl = front.url;
  const client = (clientId: string, redirectUris: string[]) => ({
    metadata: {
      client_id: clientId,
      client_secret: "s3cret-value-for-tests",
      redirect_uris: redirectUris,
      token_endpoint_auth_method: "client_secret_basic",
    },
    pkceRequired: false,
  });
  const idp = await startProvider({
    shape: SHAPES.keycloak("openmetadata"),
    clients: [
      client("openmetadata", [`${publicUrl}/callback`, `${publicUrl}/auth/callback`]),
      client("partial", [`${publicUrl}/auth/callback`]),
    ],
  });
  const auth: ExpectedAuth = {
    provider: "custom-oidc",
    providerName: "Keycloak",
    clientId: "openmetadata",
    authority: idp.issuer,
    callbackUrl: `${publicUrl}/callback`,
    clientType: "confidential",
    enableSelfSignup: true,
    jwtPrincipalClaims: ["email", "preferred_username", "sub"],
    jwtPrincipalClaimsMapping: [],
    keyId: options.keyId,
    publicKeyUrls: [],
  };
  const healthy: Served = {
    auth: { ...auth, responseType: "id_token", tokenValidationAlgorithm: "RS256" },
    kids: options.kids,
    authorizationEndpoint: `${idp.issuer}/protocol/openid-connect/auth`,
    clientId: "openmetadata",
    callbackUrl: `${publicUrl}/callback`,
    pkce: true,
    nonce: true,
  };
  const expected: OutsideExpectations = {
    publicUrl,
    auth,
    provider: "custom-oidc",
    discoveryUrl: idp.discoveryUrl,
    redirectUris: [`${publicUrl}/callback`, `${publicUrl}/auth/callback`],
    pkce: true,
    nonce: true,
    replicas: 2,
    affinityCookie: AFFINITY_COOKIE,
  };
  return { front, idp, publicUrl, auth, healthy, expected };
}
