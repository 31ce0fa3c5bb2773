/**
 * Contract test of the OneLogin dynamic provider. This is NOT OneLogin: it is a local HTTP server
 * on 127.0.0.1 that implements the OneLogin API v2 endpoints the provider calls, with the request
 * and response shapes OneLogin documents (token: developers.onelogin.com/api-docs/2/oauth20-tokens;
 * apps: developers.onelogin.com/api-docs/2/apps; error bodies `{message, statusCode, name}`). It
 * proves the provider speaks that contract; it cannot prove OneLogin still does.
 */
import * as http from "node:http";
import { once } from "node:events";
import * as fs from "node:fs";
import * as path from "node:path";
import { serializedProviderFile, serializeProvider } from "../components/identity/dynamic";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { oneLoginProvider } from "../components/identity/onelogin";
import {
  createApp,
  deleteApp,
  readApp,
  updateApp,
  type OneLoginAppInputs,
  type OneLoginAppOutputs,
} from "../components/identity/onelogin-api";

const API_ID = "api-client-id";
const API_SECRET = "api-client-secret";
const TOKEN = "bearer-token-1";
const OIDC_CONNECTOR = 108419;
/** A connector the contract server knows that is not OIDC: its apps have no OAuth client. */
const SAML_CONNECTOR = 110016;

interface StoredApp {
  id: number;
  connector_id: number;
  name: string;
  role_ids: number[];
  configuration: Record<string, unknown>;
  sso: { client_id?: string; client_secret?: string };
}

interface Logged {
  method: string;
  path: string;
  authorization?: string;
  body?: unknown;
}

/** The contract server: OneLogin API v2 as documented, in memory. */
class ContractServer {
  readonly apps = new Map<number, StoredApp>();
  readonly log: Logged[] = [];
  /** Answer the next `times` requests to `path` with HTTP 429 and these headers. */
  throttle: { path: string; times: number; headers: Record<string, string> } | undefined;
  private nextId = 1000;
  private server = http.createServer((req, res) => void this.handle(req, res));
  base = "";

  async start(): Promise<void> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    const address = this.server.address() as { port: number };
    this.base = `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server.close();
    await once(this.server, "close");
  }

  reset(): void {
    this.apps.clear();
    this.log.length = 0;
    this.throttle = undefined;
    this.nextId = 1000;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
    const path = req.url ?? "";
    this.log.push({
      method: req.method ?? "",
      path,
      authorization: req.headers.authorization,
      body,
    });
    const send = (status: number, payload?: unknown) => {
      res.statusCode = status;
      if (payload !== undefined) res.setHeader("content-type", "application/json");
      res.end(payload === undefined ? undefined : JSON.stringify(payload));
    };
    const v2Error = (statusCode: number, name: string, message: string) =>
      send(statusCode, { message, statusCode, name });

    if (this.throttle && this.throttle.path === path && this.throttle.times > 0) {
      this.throttle.times--;
      for (const [name, value] of Object.entries(this.throttle.headers)) res.setHeader(name, value);
      return v2Error(429, "TooManyRequestsError", "Too Many Requests");
    }

    if (path === "/auth/oauth2/v2/token" && req.method === "POST") {
      const expected = `Basic ${Buffer.from(`${API_ID}:${API_SECRET}`).toString("base64")}`;
      if (req.headers.authorization !== expected || body?.grant_type !== "client_credentials") {
        return send(401, {
          status: {
            error: true,
            code: 401,
            type: "Unauthorized",
            message: "Authentication Failure",
          },
        });
      }
      return send(200, {
        access_token: TOKEN,
        created_at: "2026-11-01T00:00:00.000Z",
        expires_in: 36000,
        refresh_token: "deprecated",
        token_type: "bearer",
        account_id: 1,
      });
    }
    if (!path.startsWith("/api/2/apps")) return v2Error(404, "NotFoundError", "Not Found");
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return v2Error(401, "UnauthorizedError", "Unauthorized");
    }
    const match = /^\/api\/2\/apps\/(\d+)$/.exec(path);
    if (path === "/api/2/apps" && req.method === "POST") {
      if (typeof body?.name !== "string" || body.name === "") {
        return v2Error(422, "UnprocessableEntityError", "Validation failed: name is required");
      }
      if (body.connector_id !== OIDC_CONNECTOR && body.connector_id !== SAML_CONNECTOR) {
        return v2Error(
          422,
          "UnprocessableEntityError",
          `Validation failed: connector ${String(body.connector_id)} does not exist`,
        );
      }
      const configuration = (body.configuration ?? {}) as Record<string, unknown>;
      const uriProblem = this.uriProblem(configuration.redirect_uri);
      if (uriProblem) return v2Error(422, "UnprocessableEntityError", uriProblem);
      const id = this.nextId++;
      const oidc = body.connector_id === OIDC_CONNECTOR;
      const app: StoredApp = {
        id,
        connector_id: body.connector_id,
        name: body.name,
        role_ids: (body.role_ids as number[] | undefined) ?? [],
        configuration,
        sso: oidc ? { client_id: `client-${id}`, client_secret: `secret-${id}` } : {},
      };
      this.apps.set(id, app);
      // Only the create answer carries the client secret.
      return send(200, app);
    }
    const app = match ? this.apps.get(Number(match[1])) : undefined;
    if (!match) return v2Error(404, "NotFoundError", "Not Found");
    if (!app) {
      return v2Error(404, "NotFoundError", "The resource with the given id could not be found");
    }
    switch (req.method) {
      case "GET":
        return send(200, this.withoutSecret(app));
      case "PUT": {
        if (body?.connector_id !== undefined && body.connector_id !== app.connector_id) {
          return v2Error(
            422,
            "UnprocessableEntityError",
            "Validation failed: connector_id cannot change",
          );
        }
        const configuration = (body?.configuration ?? {}) as Record<string, unknown>;
        const uriProblem =
          configuration.redirect_uri === undefined
            ? undefined
            : this.uriProblem(configuration.redirect_uri);
        if (uriProblem) return v2Error(422, "UnprocessableEntityError", uriProblem);
        // A partial update: only the attributes sent change; role_ids is replaced whole.
        if (typeof body?.name === "string") app.name = body.name;
        if (Array.isArray(body?.role_ids)) app.role_ids = body.role_ids as number[];
        app.configuration = { ...app.configuration, ...configuration };
        return send(200, this.withoutSecret(app));
      }
      case "DELETE":
        this.apps.delete(app.id);
        return send(204);
      default:
        return v2Error(405, "MethodNotAllowedError", "Method Not Allowed");
    }
  }

  private uriProblem(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const bad = value
      .split(/[\n,]/)
      .map((uri) => uri.trim())
      .filter((uri) => uri !== "" && !/^https:\/\/|^http:\/\/localhost[:/]/.test(uri));
    return bad.length > 0
      ? `Validation failed: redirect_uri must use https: ${bad.join(", ")}`
      : undefined;
  }

  private withoutSecret(app: StoredApp): StoredApp {
    return { ...app, sso: { client_id: app.sso.client_id } };
  }
}

const server = new ContractServer();
let inputs: OneLoginAppInputs;

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.reset();
  inputs = {
    subdomain: "acme",
    apiClientId: API_ID,
    apiClientSecret: API_SECRET,
    apiBaseUrl: server.base,
    connectorId: OIDC_CONNECTOR,
    name: "OpenMetadata (prod)",
    redirectUris: ["https://om.example.com/callback", "https://om.example.com/auth/callback"],
    logoutRedirectUris: ["https://om.example.com/signin"],
    loginUrl: "https://om.example.com/signin",
    tokenEndpointAuthMethod: "client_secret_post",
  };
});

const BASIC = `Basic ${Buffer.from(`${API_ID}:${API_SECRET}`).toString("base64")}`;

describe("OneLogin provider against the API v2 contract (local server, not OneLogin)", () => {
  it("creates the app with a client-credentials token and keeps the secret only the create answer holds", async () => {
    const created = await createApp(inputs);
    expect(created).toEqual({
      id: "1000",
      outs: { ...inputs, appId: 1000, clientId: "client-1000", clientSecret: "secret-1000" },
    });
    expect(server.log).toEqual([
      {
        method: "POST",
        path: "/auth/oauth2/v2/token",
        authorization: BASIC,
        body: { grant_type: "client_credentials" },
      },
      {
        method: "POST",
        path: "/api/2/apps",
        authorization: `Bearer ${TOKEN}`,
        body: {
          connector_id: 108419,
          name: "OpenMetadata (prod)",
          configuration: {
            redirect_uri: "https://om.example.com/callback\nhttps://om.example.com/auth/callback",
            post_logout_redirect_uri: "https://om.example.com/signin",
            login_url: "https://om.example.com/signin",
            token_endpoint_auth_method: 1,
            oidc_application_type: 0,
          },
        },
      },
    ]);
  });

  it("reads the app back, keeping the stored secret, and reports a deleted app as gone", async () => {
    const { id, outs } = await createApp(inputs);
    server.apps.get(1000)!.configuration.redirect_uri = "https://om.example.com/callback";
    const read = await readApp(id, outs);
    expect(read).toEqual({
      id: "1000",
      props: { ...outs, redirectUris: ["https://om.example.com/callback"] },
    });
    server.apps.clear();
    expect(await readApp(id, outs)).toEqual({});
  });

  it("updates name, redirect URIs and logout URIs in place without resending the connector", async () => {
    const { id, outs } = await createApp(inputs);
    server.log.length = 0;
    const news: OneLoginAppInputs = {
      ...inputs,
      name: "OpenMetadata (renamed)",
      redirectUris: ["https://data.example.com/callback", "https://data.example.com/auth/callback"],
      logoutRedirectUris: ["https://data.example.com/signin"],
      loginUrl: "https://data.example.com/signin",
      roleIds: [5],
    };
    const updated = await updateApp(id, outs, news);
    expect(updated).toEqual({
      outs: { ...news, appId: 1000, clientId: "client-1000", clientSecret: "secret-1000" },
    });
    expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      "POST /auth/oauth2/v2/token",
      "PUT /api/2/apps/1000",
    ]);
    expect(server.log[1].body).toEqual({
      name: "OpenMetadata (renamed)",
      role_ids: [5],
      configuration: {
        redirect_uri: "https://data.example.com/callback\nhttps://data.example.com/auth/callback",
        post_logout_redirect_uri: "https://data.example.com/signin",
        login_url: "https://data.example.com/signin",
        token_endpoint_auth_method: 1,
        oidc_application_type: 0,
      },
    });
    const stored = server.apps.get(1000)!;
    expect(stored.name).toBe("OpenMetadata (renamed)");
    expect(stored.role_ids).toEqual([5]);
    expect(stored.connector_id).toBe(108419);
    // The secret is still the one issued at create.
    expect(stored.sso.client_secret).toBe("secret-1000");
  });

  it("deletes the app, and a second delete of the gone app succeeds", async () => {
    const { id, outs } = await createApp(inputs);
    await deleteApp(id, outs);
    expect(server.apps.size).toBe(0);
    expect(server.log.at(-1)).toMatchObject({ method: "DELETE", path: "/api/2/apps/1000" });
    await expect(deleteApp(id, outs)).resolves.toBeUndefined();
  });

  it("creates a public client with method 2 and keeps no secret", async () => {
    const created = await createApp({ ...inputs, tokenEndpointAuthMethod: "none" });
    expect(created.outs.clientSecret).toBe("");
    expect(created.outs.clientId).toBe("client-1000");
    expect(server.log[1].body).toMatchObject({ configuration: { token_endpoint_auth_method: 2 } });
  });

  it("surfaces a refused API credential with the HTTP status and OneLogin's message", async () => {
    await expect(createApp({ ...inputs, apiClientSecret: "wrong" })).rejects.toThrow(
      "OneLogin API POST /auth/oauth2/v2/token answered HTTP 401: Authentication Failure",
    );
    expect(server.apps.size).toBe(0);
  });

  it("surfaces validation errors with the HTTP status and OneLogin's message", async () => {
    await expect(createApp({ ...inputs, connectorId: 42 })).rejects.toThrow(
      "OneLogin API POST /api/2/apps answered HTTP 422: Validation failed: connector 42 does not exist",
    );
    const { id, outs } = await createApp(inputs);
    await expect(
      updateApp(id, outs, { ...inputs, redirectUris: ["http://om.example.com/callback"] }),
    ).rejects.toThrow(
      "OneLogin API PUT /api/2/apps/1000 answered HTTP 422: Validation failed: redirect_uri must use https: http://om.example.com/callback",
    );
  });

  it("surfaces an update of an app deleted behind Pulumi's back as 404", async () => {
    const { id, outs } = await createApp(inputs);
    server.apps.clear();
    await expect(updateApp(id, outs, { ...inputs, name: "x" })).rejects.toThrow(
      "OneLogin API PUT /api/2/apps/1000 answered HTTP 404: The resource with the given id could not be found",
    );
  });

  it("leaves nothing behind when the create answer has no OAuth client (not an OIDC connector)", async () => {
    await expect(createApp({ ...inputs, connectorId: SAML_CONNECTOR })).rejects.toThrow(
      "OneLogin API POST /api/2/apps created app 1000 without sso.client_id and sso.client_secret; the app was deleted again. Check that connector 110016 is an OpenId Connect connector.",
    );
    expect(server.apps.size).toBe(0);
    expect(server.log.at(-1)).toMatchObject({ method: "DELETE", path: "/api/2/apps/1000" });
  });

  it("sends a create again after HTTP 429 once the rate limit resets, and creates one app", async () => {
    server.throttle = { path: "/api/2/apps", times: 2, headers: { "X-RateLimit-Reset": "0" } };
    const { id, outs } = await createApp(inputs);
    expect(id).toBe("1000");
    expect(outs.clientSecret).toBe("secret-1000");
    expect(server.log.map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      "POST /auth/oauth2/v2/token",
      "POST /api/2/apps",
      "POST /api/2/apps",
      "POST /api/2/apps",
    ]);
    expect([...server.apps.keys()]).toEqual([1000]);
  });

  it("gives up at once when the rate limit resets later than 30 s, and says when", async () => {
    server.throttle = { path: "/api/2/apps", times: 1, headers: { "X-RateLimit-Reset": "832" } };
    await expect(createApp(inputs)).rejects.toThrow(
      "OneLogin API POST /api/2/apps answered HTTP 429: Too Many Requests (sent 1 time; OneLogin's rate limit resets in 832 s). Run the update again after that; nothing was changed by this call.",
    );
    expect(server.apps.size).toBe(0);
  });

  it("gives up after the third send of a call OneLogin keeps refusing with HTTP 429", async () => {
    const { id, outs } = await createApp(inputs);
    server.throttle = { path: "/api/2/apps/1000", times: 5, headers: { "Retry-After": "0" } };
    await expect(updateApp(id, outs, { ...inputs, name: "x" })).rejects.toThrow(
      "OneLogin API PUT /api/2/apps/1000 answered HTTP 429: Too Many Requests (sent 3 times; OneLogin's rate limit resets in 0 s). Run the update again after that; nothing was changed by this call.",
    );
    expect(server.throttle.times).toBe(2);
    expect(server.apps.get(1000)?.name).toBe("OpenMetadata (prod)");
  });

  it("names an unreachable API", async () => {
    await expect(createApp({ ...inputs, apiBaseUrl: "http://127.0.0.1:1" })).rejects.toThrow(
      /^OneLogin API POST \/auth\/oauth2\/v2\/token at http:\/\/127\.0\.0\.1:1 is unreachable: /,
    );
  });
});

/** The text `npm run build` serialized, when dist/ holds a build. */
const BUILT = serializedProviderFile(
  "onelogin",
  path.join(__dirname, "..", "dist", "components", "identity"),
);

describe.each([
  { source: "serialized now, as from the sources", built: false },
  { source: "serialized by npm run build (skipped without dist/)", built: true },
])("the provider $source, as the Pulumi engine runs it from the state", ({ built }) => {
  it.skipIf(built && !fs.existsSync(BUILT))(
    "creates, diffs, updates and deletes, and keeps error messages intact",
    async () => {
      const serialized = built
        ? (JSON.parse(fs.readFileSync(BUILT, "utf8")) as { text: string })
        : await serializeProvider(oneLoginProvider);
      // The dynamic provider host loads the text exactly like this.
      const requireFromString = require("require-from-string") as (code: string) => {
        handler: () => typeof oneLoginProvider;
      };
      const provider = requireFromString(serialized.text).handler();

      const created = await provider.create(inputs);
      expect(created.id).toBe("1000");
      const outs = created.outs as OneLoginAppOutputs;
      expect(outs.clientSecret).toBe("secret-1000");
      expect(await provider.diff!(created.id, outs, { ...inputs, name: "y" })).toEqual({
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      expect(await provider.diff!(created.id, outs, { ...inputs, subdomain: "other" })).toEqual({
        changes: true,
        replaces: ["subdomain"],
        deleteBeforeReplace: false,
      });
      await provider.update!(created.id, outs, { ...inputs, name: "y" });
      expect(server.apps.get(1000)!.name).toBe("y");
      await provider.delete!(created.id, outs);
      expect(server.apps.size).toBe(0);
      // 404 on delete is recognised inside the serialized closure too.
      await expect(provider.delete!(created.id, outs)).resolves.toBeUndefined();
      await expect(provider.create({ ...inputs, connectorId: 42 })).rejects.toThrow(
        "OneLogin API POST /api/2/apps answered HTTP 422: Validation failed: connector 42 does not exist",
      );
    },
  );
});
