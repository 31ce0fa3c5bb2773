/**
 * The real-protocol end-to-end test run with the `local` stack's exact settings: the stack program
 * (`index.ts` with `stacks/Pulumi.local.yaml`) is evaluated under the mock runtime, the realm the
 * Keycloak container imports and the environment the OpenMetadata server container gets are read
 * from what it registered, an in-process OpenID provider is configured like that realm, and
 * openid-client logs the demo user in with that environment, as OpenMetadata's server would.
 *
 * The environment names `http://localhost:8081` (the browser's Keycloak) and
 * `http://openmetadata-local-keycloak:8080` (the server's); the test rewrites both origins to the
 * local server's and keeps every path. OpenMetadata's own URLs are not rewritten.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { evaluate, readStackFile, SecretValue, type Evaluation } from "../../scripts/offline";
import { parseFlowList } from "../../components/settings";
import {
  fromKeycloakRealm,
  serverLogin,
  SHAPES,
  startProvider,
  verifyAsOpenMetadata,
  type TestProvider,
} from "../support/oidc";
import { one, plain } from "../support/pulumi";

const CONTAINER = "docker:index/container:Container";
const STACK = "openmetadata-local";

let evaluation: Evaluation;
let realm: Record<string, unknown>;
let env: Record<string, string>;
let idp: TestProvider;

beforeAll(async () => {
  // Test files may share a worker: evaluate the program afresh.
  vi.resetModules();
  evaluation = await evaluate(readStackFile("local"), "local", {
    realKeys: false,
    load: () => import("../../index.js"),
  });
  const keycloak = one(evaluation.resources, CONTAINER, `${STACK}-keycloak-container`);
  const upload = (keycloak.inputs.uploads as { file: string; content: unknown }[]).find(
    (u) => u.file === "/opt/keycloak/data/import/openmetadata-realm.json",
  );
  realm = JSON.parse(plain(upload!.content) as string) as Record<string, unknown>;
  const server = one(evaluation.resources, CONTAINER, `${STACK}-docker-server`);
  env = Object.fromEntries(
    (server.inputs.envs as unknown[]).map((entry) => {
      const text = String(plain(entry));
      const at = text.indexOf("=");
      return [text.slice(0, at), text.slice(at + 1)];
    }),
  );
  idp = await startProvider({
    shape: SHAPES.keycloak("openmetadata"),
    ...fromKeycloakRealm(realm),
    // The browser's Keycloak and the server's, as the environment names them.
    serves: ["http://localhost:8081", `http://${STACK}-keycloak:8080`],
  });
});

afterAll(async () => {
  await idp?.close();
});

describe("the local stack, end to end", () => {
  it("hands OpenMetadata a confidential Keycloak client with the realm's secret", () => {
    const server = one(evaluation.resources, CONTAINER, `${STACK}-docker-server`);
    const secretEntries = (server.inputs.envs as unknown[])
      .filter((entry) => entry instanceof SecretValue)
      .map((entry) => String(plain(entry)).split("=")[0]);
    expect(secretEntries).toContain("OIDC_CLIENT_SECRET");
    const client = (realm.clients as { clientId: string; secret: string }[])[0];
    expect(env.OIDC_CLIENT_ID).toBe(client.clientId);
    expect(env.OIDC_CLIENT_SECRET).toBe(client.secret);
    expect(env.AUTHENTICATION_AUTHORITY).toBe("http://localhost:8081/realms/openmetadata");
    expect(env.OIDC_DISCOVERY_URI).toBe(
      "http://openmetadata-local-keycloak:8080/realms/openmetadata/.well-known/openid-configuration",
    );
    expect(evaluation.outputs.keycloakUrl).toBe("http://localhost:8081");
    expect(evaluation.outputs.demoUser).toBe("demo");
  });

  it("logs the demo user in with the stack's demo password, and OpenMetadata makes them admin", async () => {
    const demoPassword = evaluation.outputs.demoPassword;
    expect(demoPassword).toBeInstanceOf(SecretValue);
    const login = await serverLogin(env, idp, {
      username: evaluation.outputs.demoUser as string,
      password: plain(demoPassword) as string,
    });
    expect(idp.clientAuthentications).toEqual([
      { clientId: "openmetadata", method: env.OIDC_CLIENT_AUTH_METHOD },
    ]);
    expect(env.OIDC_CLIENT_AUTH_METHOD).toBe("client_secret_post");
    expect(Object.fromEntries(login.authorizationUrl.searchParams)).toMatchObject({
      client_id: "openmetadata",
      redirect_uri: "http://localhost:8585/callback",
      scope: "openid email profile",
      response_type: "code",
      code_challenge_method: "S256",
    });
    const accepted = await verifyAsOpenMetadata(login, env, idp);
    expect(accepted.claims).toMatchObject({
      iss: `${idp.origin}/realms/openmetadata`,
      aud: "openmetadata",
      email: "demo@example.com",
    });
    expect(accepted.principal).toBe("demo");
    expect(parseFlowList(env.AUTHORIZER_ADMIN_PRINCIPALS)).toContain(accepted.principal);
  });
});
