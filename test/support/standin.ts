/**
 * A stand-in for OpenMetadata behind an HTTPS ingress, on 127.0.0.1. This is not OpenMetadata: it
 * serves what OpenMetadata 1.13's server serves at the three addresses the outside checks read
 * (`/api/v1/system/config/auth`, `/api/v1/system/config/jwks`, `/api/v1/auth/login`), with the
 * behaviour they depend on:
 *
 * - the login start answers 302 to the provider's authorization endpoint with client_id,
 *   redirect_uri, response_type, response_mode, scope, state, and nonce and PKCE when set
 *   (`AuthenticationCodeFlowHandler.handleLogin`, research om-internals §6);
 * - each pod keeps its sessions in memory and sets `JSESSIONID` only when it creates one (Jetty).
 *
 * The front is a real HTTPS server with the certificate chain a test gives it. It spreads requests
 * over the pods round robin and, with affinity, sets `OPENMETADATA_ROUTE` on an answer to a
 * request without it and routes by it, as ingress-nginx's cookie affinity does.
 */
import * as crypto from "node:crypto";
import { once } from "node:events";
import type * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";

/** What the pods serve; a test changes it between cases. */
export interface Served {
  auth: Record<string, unknown>;
  kids: string[];
  /** Authorization endpoint the login start redirects to. */
  authorizationEndpoint: string;
  clientId: string;
  callbackUrl: string;
  pkce: boolean;
  nonce: boolean;
}

/** How the front routes. */
export type Affinity = "cookie" | "none" | "ignored";

export const AFFINITY_COOKIE = "OPENMETADATA_ROUTE";

export interface StandIn {
  /** `https://127.0.0.1:<port>`. */
  url: string;
  served: Served;
  affinity: Affinity;
  /** Replaces the certificate chain (leaf first) and key the front serves. */
  useCertificate(chain: string, key: string): void;
  close(): Promise<void>;
}

function pod(standIn: { served: Served }) {
  const sessions = new Set<string>();
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { served } = standIn;
    const url = new URL(req.url ?? "/", "https://front");
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === "/api/v1/system/config/auth") return json(served.auth);
    if (url.pathname === "/api/v1/system/config/jwks") {
      return json({ keys: served.kids.map((kid) => ({ kty: "RSA", kid, n: "AQAB", e: "AQAB" })) });
    }
    if (url.pathname === "/api/v1/auth/login") {
      const cookie = /(?:^|;\s*)JSESSIONID=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
      const headers: Record<string, string> = {};
      if (cookie === undefined || !sessions.has(cookie)) {
        const id = crypto.randomBytes(12).toString("hex");
        sessions.add(id);
        headers["set-cookie"] = `JSESSIONID=${id}; Path=/; Secure; HttpOnly`;
      }
      const query = new URLSearchParams({
        response_type: "code",
        client_id: served.clientId,
        redirect_uri: served.callbackUrl,
        scope: "openid email profile",
        response_mode: "query",
        state: crypto.randomBytes(5).toString("hex"),
      });
      if (served.nonce) query.set("nonce", crypto.randomBytes(8).toString("hex"));
      if (served.pkce) {
        query.set("code_challenge", crypto.createHash("sha256").update("v").digest("base64url"));
        query.set("code_challenge_method", "S256");
      }
      res.writeHead(302, { ...headers, location: `${served.authorizationEndpoint}?${query}` });
      return res.end();
    }
    res.writeHead(404).end();
  };
}

/** Starts the front with two pods. */
export async function startStandIn(served: Served, chain: string, key: string): Promise<StandIn> {
  const state = { served, affinity: "cookie" as Affinity };
  const pods = [pod(state), pod(state)];
  let next = 0;
  const server = https.createServer({ cert: chain, key }, (req, res) => {
    const route = new RegExp(`(?:^|;\\s*)${AFFINITY_COOKIE}=(\\d)`).exec(req.headers.cookie ?? "");
    let index: number;
    if (state.affinity === "cookie" && route) index = Number(route[1]);
    else {
      index = next;
      next = (next + 1) % pods.length;
      if (state.affinity !== "none" && !route) {
        const original = res.writeHead.bind(res);
        res.writeHead = ((status: number, headers?: Record<string, string | string[]>) => {
          const own = headers?.["set-cookie"];
          const cookies = [
            `${AFFINITY_COOKIE}=${index}; Path=/; Secure; HttpOnly; SameSite=Lax`,
            ...(own === undefined ? [] : Array.isArray(own) ? own : [own]),
          ];
          return original(status, { ...headers, "set-cookie": cookies });
        }) as typeof res.writeHead;
      }
    }
    pods[index](req, res);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get served() {
      return state.served;
    },
    set served(value: Served) {
      state.served = value;
    },
    get affinity() {
      return state.affinity;
    },
    set affinity(value: Affinity) {
      state.affinity = value;
    },
    useCertificate: (certChain, certKey) =>
      server.setSecureContext({ cert: certChain, key: certKey }),
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
