/**
 * RFC 7591 registration and RFC 7592 management against oidc-provider's real registration
 * endpoint, run in-process on 127.0.0.1 (a certified OpenID Provider implementation, not a mock).
 */
import { generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import * as http from "node:http";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registrationMetadata } from "../components/identity/oidc";
import { registrationProvider } from "../components/identity/registration";
import {
  deleteClient,
  readClient,
  registerClient,
  updateClient,
  type RegistrationInputs,
  type RegistrationOutputs,
} from "../components/identity/registration-api";

const MOUNT = "/oidc";
const IAT = "initial-access-token";

interface OidcProvider {
  callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
  Client: { find(id: string): Promise<{ metadata(): Record<string, unknown> } | undefined> };
}

let server: http.Server;
let provider: OidcProvider;
let base: string;
let issuer: string;
let discoveryUrl: string;

beforeAll(async () => {
  server = http.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  issuer = `${base}${MOUNT}`;
  discoveryUrl = `${issuer}/.well-known/openid-configuration`;
  const { default: Provider } = (await import("oidc-provider")) as unknown as {
    default: new (issuer: string, config: Record<string, unknown>) => OidcProvider;
  };
  const jwk = {
    ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    kid: "k1",
    alg: "RS256",
    use: "sig",
  };
  provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    cookies: { keys: ["cookie-key"] },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: IAT },
      // Rotation on: the provider hands out a new registration access token on every update.
      registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
    },
  });
  const handler = provider.callback();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = req.url ?? "";
    if (url === "/plain/.well-known/openid-configuration") {
      // A provider without dynamic registration.
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ issuer: `${base}/plain`, jwks_uri: `${base}/plain/jwks` }));
    }
    if (!url.startsWith(`${MOUNT}/`)) {
      res.statusCode = 404;
      return res.end();
    }
    (req as { originalUrl?: string }).originalUrl = url;
    req.url = url.slice(MOUNT.length);
    return handler(req, res);
  });
});

afterAll(async () => {
  server.close();
  server.closeAllConnections();
  await once(server, "close");
});

function confidentialInputs(): RegistrationInputs {
  return {
    discoveryUrl,
    initialAccessToken: IAT,
    metadata: registrationMetadata({
      appName: "OpenMetadata (prod)",
      publicUrl: "https://om.example.com",
      tokenEndpointAuthMethod: "client_secret_post",
    }),
  };
}

/** What oidc-provider holds for a client, for the fields this package registers. */
async function registered(clientId: string): Promise<Record<string, unknown> | undefined> {
  const client = await provider.Client.find(clientId);
  if (!client) return undefined;
  const m = client.metadata();
  return {
    client_name: m.client_name,
    application_type: m.application_type,
    redirect_uris: m.redirect_uris,
    post_logout_redirect_uris: m.post_logout_redirect_uris,
    grant_types: m.grant_types,
    response_types: m.response_types,
    token_endpoint_auth_method: m.token_endpoint_auth_method,
  };
}

describe("registration against oidc-provider", () => {
  it("registers a confidential client with exactly OpenMetadata's settings", async () => {
    const { id, outs } = await registerClient(confidentialInputs());
    expect(id).toBe(outs.clientId);
    expect(outs).toEqual({
      ...confidentialInputs(),
      registrationEndpoint: `${issuer}/reg`,
      clientId: expect.any(String),
      clientSecret: expect.stringMatching(/^.{32,}$/),
      registrationClientUri: `${issuer}/reg/${outs.clientId}`,
      registrationAccessToken: expect.stringMatching(/^.{16,}$/),
      clientSecretExpiresAt: 0,
    });
    expect(await registered(outs.clientId)).toEqual({
      client_name: "OpenMetadata (prod)",
      application_type: "web",
      redirect_uris: ["https://om.example.com/callback", "https://om.example.com/auth/callback"],
      post_logout_redirect_uris: ["https://om.example.com/signin"],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    });
    await deleteClient(outs);
  });

  it("registers a public client with auth method none and keeps no secret", async () => {
    const inputs = confidentialInputs();
    inputs.metadata = { ...inputs.metadata, token_endpoint_auth_method: "none" };
    const { outs } = await registerClient(inputs);
    expect(outs.clientSecret).toBe("");
    expect((await registered(outs.clientId))?.token_endpoint_auth_method).toBe("none");
    await deleteClient(outs);
  });

  it("surfaces a missing initial access token with the HTTP status and the provider's error", async () => {
    await expect(
      registerClient({ ...confidentialInputs(), initialAccessToken: undefined }),
    ).rejects.toThrow(
      `Client registration POST ${issuer}/reg answered HTTP 401: invalid_token: no access token provided`,
    );
  });

  it("surfaces metadata the provider refuses", async () => {
    const inputs = confidentialInputs();
    inputs.metadata = { ...inputs.metadata, redirect_uris: ["https://om.example.com/callback#x"] };
    await expect(registerClient(inputs)).rejects.toThrow(
      `Client registration POST ${issuer}/reg answered HTTP 400: invalid_redirect_uri: redirect_uris must not contain fragments`,
    );
  });

  it("explains a provider that offers no registration endpoint", async () => {
    await expect(
      registerClient({
        ...confidentialInputs(),
        discoveryUrl: `${base}/plain/.well-known/openid-configuration`,
      }),
    ).rejects.toThrow(
      `The discovery document at ${base}/plain/.well-known/openid-configuration has no registration_endpoint, so the provider does not offer dynamic client registration. Register the client at the provider and set identity.oidc.clientId (and the clientSecret secret) instead of registration: true.`,
    );
  });

  it("updates redirect URIs in place through RFC 7592 and keeps the rotated access token", async () => {
    const { outs } = await registerClient(confidentialInputs());
    const news = confidentialInputs();
    news.metadata = registrationMetadata({
      appName: "OpenMetadata (renamed)",
      publicUrl: "https://data.example.com",
      tokenEndpointAuthMethod: "client_secret_post",
    });
    const { outs: updated } = await updateClient(outs, news);
    expect(updated.clientId).toBe(outs.clientId);
    expect(updated.clientSecret).toBe(outs.clientSecret);
    expect(updated.registrationAccessToken).not.toBe(outs.registrationAccessToken);
    expect(updated.metadata).toEqual(news.metadata);
    expect(await registered(outs.clientId)).toMatchObject({
      client_name: "OpenMetadata (renamed)",
      redirect_uris: [
        "https://data.example.com/callback",
        "https://data.example.com/auth/callback",
      ],
      post_logout_redirect_uris: ["https://data.example.com/signin"],
    });
    // The old token was rotated away; the stored one reads the registration back.
    const read = await readClient(updated.clientId, updated);
    expect(read.props?.metadata).toEqual(news.metadata);
    expect(read.props?.clientSecret).toBe(outs.clientSecret);
    await deleteClient(read.props as RegistrationOutputs);
  });

  it("deletes the client through RFC 7592, and names the fix when the token is then refused", async () => {
    const { outs } = await registerClient(confidentialInputs());
    await deleteClient(outs);
    expect(await registered(outs.clientId)).toBeUndefined();
    await expect(deleteClient(outs)).rejects.toThrow(
      `Client registration DELETE ${outs.registrationClientUri} answered HTTP 401: invalid_token: invalid token provided. The registration access token was refused: the client may already be gone at the provider. If it is, remove it from the stack with pulumi state delete.`,
    );
  });

  it("leaves a client without a configuration endpoint alone on delete", async () => {
    const { outs } = await registerClient(confidentialInputs());
    await expect(
      deleteClient({ ...outs, registrationClientUri: "", registrationAccessToken: "" }),
    ).resolves.toBeUndefined();
    expect(await registered(outs.clientId)).toBeDefined();
    await deleteClient(outs);
  });
});

describe("the serialized registration provider, as the Pulumi engine runs it from the state", () => {
  it("registers, diffs and deletes", async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => registrationProvider, {
      allowSecrets: true,
    });
    const requireFromString = require("require-from-string") as (code: string) => {
      handler: () => typeof registrationProvider;
    };
    const dynamic = requireFromString(serialized.text).handler();
    const created = await dynamic.create(confidentialInputs());
    const outs = created.outs as RegistrationOutputs;
    expect(await registered(created.id)).toBeDefined();
    expect(
      await dynamic.diff!(created.id, outs, { ...confidentialInputs(), discoveryUrl: "x" }),
    ).toEqual({
      changes: true,
      replaces: ["discoveryUrl"],
      deleteBeforeReplace: false,
    });
    await dynamic.delete!(created.id, outs);
    expect(await registered(created.id)).toBeUndefined();
    await expect(
      dynamic.create({ ...confidentialInputs(), initialAccessToken: "wrong" }),
    ).rejects.toThrow(
      `Client registration POST ${issuer}/reg answered HTTP 401: invalid_token: invalid token provided`,
    );
  });
});
