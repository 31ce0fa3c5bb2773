/**
 * OAuth 2.0 Dynamic Client Registration (RFC 7591) and its management protocol (RFC 7592), for
 * the registration dynamic provider: the diff and the create/read/update/delete calls.
 *
 * The dynamic provider serializes what it references from here into the Pulumi state, so this
 * module imports nothing at run time and relies on Node's global `fetch` only.
 */
import type { TokenEndpointAuthMethod } from "../types";

/** Client metadata sent to the registration endpoint, in RFC 7591 names. */
export interface ClientMetadata {
  client_name: string;
  application_type: "web";
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
}

/** Inputs of the registered client resource. */
export interface RegistrationInputs {
  /** Discovery document that names the `registration_endpoint`. */
  discoveryUrl: string;
  /** RFC 7591 initial access token, when the provider requires one; secret. */
  initialAccessToken?: string;
  /** What is registered. */
  metadata: ClientMetadata;
}

/** State of the registered client resource. */
export interface RegistrationOutputs extends RegistrationInputs {
  /** Where the client was registered. */
  registrationEndpoint: string;
  clientId: string;
  /** Empty for a client without a secret. */
  clientSecret: string;
  /** RFC 7592 client configuration endpoint; empty when the provider offers none. Secret. */
  registrationClientUri: string;
  /** RFC 7592 registration access token; empty when the provider offers none. Secret. */
  registrationAccessToken: string;
  /** When the secret expires, in seconds since the epoch; 0 = never. */
  clientSecretExpiresAt: number;
}

/**
 * A registration call that did not succeed: the HTTP status and the provider's error. A plain
 * `Error` with fields, not a subclass: the dynamic provider's serialized closure does not keep
 * subclasses of built-ins intact.
 */
export interface RegistrationError extends Error {
  name: "RegistrationError";
  method: string;
  url: string;
  status: number;
  detail: string;
}

/** Makes a {@link RegistrationError}. */
export function registrationError(
  method: string,
  url: string,
  status: number,
  detail: string,
): RegistrationError {
  const error = new Error(
    `Client registration ${method} ${url} answered HTTP ${status}: ${detail}`,
  ) as RegistrationError;
  return Object.assign(error, { name: "RegistrationError" as const, method, url, status, detail });
}

function hasStatus(error: unknown, ...statuses: number[]): error is RegistrationError {
  return (
    error instanceof Error &&
    error.name === "RegistrationError" &&
    statuses.includes((error as RegistrationError).status)
  );
}

/** What a Pulumi diff reports. */
export interface RegistrationDiff {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/**
 * Update or replacement. Another discovery document means another provider, hence a new client.
 * Metadata changes are updated in place through RFC 7592 when the provider gave a client
 * configuration endpoint, except a change to or from `none`, which adds or removes the secret;
 * without the endpoint, any metadata change registers a new client. The initial access token is
 * only used to register, so changing it changes nothing.
 */
export function registrationDiff(
  olds: RegistrationOutputs,
  news: RegistrationInputs,
): RegistrationDiff {
  const replaces: string[] = [];
  if (olds.discoveryUrl !== news.discoveryUrl) replaces.push("discoveryUrl");
  const metadataChanged = JSON.stringify(olds.metadata) !== JSON.stringify(news.metadata);
  if (metadataChanged) {
    const oldMethod = olds.metadata.token_endpoint_auth_method;
    const newMethod = news.metadata.token_endpoint_auth_method;
    const secretChanges = oldMethod !== newMethod && (oldMethod === "none" || newMethod === "none");
    if (!olds.registrationClientUri || secretChanges) replaces.push("metadata");
  }
  return {
    changes: replaces.length > 0 || metadataChanged,
    replaces,
    deleteBeforeReplace: false,
  };
}

async function request(
  method: string,
  url: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(
      `Client registration ${method} ${url} is unreachable: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch {
    parsed = { error_description: text.trim().slice(0, 300) };
  }
  const record = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, unknown>;
  if (!response.ok) {
    const detail = [record.error, record.error_description]
      .filter((part) => typeof part === "string" && part !== "")
      .join(": ");
    throw registrationError(method, url, response.status, detail || response.statusText);
  }
  return { status: response.status, body: record };
}

/** The provider's `registration_endpoint`, read from its discovery document. */
export async function registrationEndpoint(discoveryUrl: string): Promise<string> {
  const { body } = await request("GET", discoveryUrl, undefined);
  const endpoint = body.registration_endpoint;
  if (typeof endpoint !== "string" || endpoint === "") {
    throw new Error(
      `The discovery document at ${discoveryUrl} has no registration_endpoint, so the provider does not offer dynamic client registration. Register the client at the provider and set identity.oidc.clientId (and the clientSecret secret) instead of registration: true.`,
    );
  }
  return endpoint;
}

function outputsFrom(
  inputs: RegistrationInputs,
  endpoint: string,
  body: Record<string, unknown>,
  previous?: RegistrationOutputs,
): RegistrationOutputs {
  const text = (key: string, fallback = "") =>
    typeof body[key] === "string" ? (body[key] as string) : fallback;
  const clientId = text("client_id", previous?.clientId);
  if (clientId === "") {
    throw new Error(`Client registration POST ${endpoint} answered without a client_id.`);
  }
  const secretless = inputs.metadata.token_endpoint_auth_method === "none";
  return {
    ...inputs,
    registrationEndpoint: endpoint,
    clientId,
    clientSecret: secretless ? "" : text("client_secret", previous?.clientSecret),
    registrationClientUri: text("registration_client_uri", previous?.registrationClientUri),
    registrationAccessToken: text("registration_access_token", previous?.registrationAccessToken),
    clientSecretExpiresAt:
      typeof body.client_secret_expires_at === "number"
        ? body.client_secret_expires_at
        : (previous?.clientSecretExpiresAt ?? 0),
  };
}

/** Registers the client (RFC 7591 §3.1). */
export async function registerClient(
  inputs: RegistrationInputs,
): Promise<{ id: string; outs: RegistrationOutputs }> {
  const endpoint = await registrationEndpoint(inputs.discoveryUrl);
  const { body } = await request("POST", endpoint, inputs.initialAccessToken, inputs.metadata);
  const outs = outputsFrom(inputs, endpoint, body);
  if (inputs.metadata.token_endpoint_auth_method !== "none" && outs.clientSecret === "") {
    await deleteClient(outs).catch(() => undefined);
    throw new Error(
      `Client registration POST ${endpoint} answered without a client_secret for token_endpoint_auth_method ${inputs.metadata.token_endpoint_auth_method}.`,
    );
  }
  return { id: outs.clientId, outs };
}

/** Reads the registration back (RFC 7592 §2.1); without an endpoint the state is kept. */
export async function readClient(
  id: string,
  props: RegistrationOutputs,
): Promise<{ id?: string; props?: RegistrationOutputs }> {
  if (!props.registrationClientUri) return { id, props };
  const { body } = await request("GET", props.registrationClientUri, props.registrationAccessToken);
  const read = { ...props, metadata: metadataFrom(body, props.metadata) };
  return { id, props: outputsFrom(read, props.registrationEndpoint, body, props) };
}

/** The metadata fields this resource manages, as the provider reports them. */
export function metadataFrom(
  body: Record<string, unknown>,
  fallback: ClientMetadata,
): ClientMetadata {
  const pick = <K extends keyof ClientMetadata>(key: K): ClientMetadata[K] =>
    body[key] !== undefined ? (body[key] as ClientMetadata[K]) : fallback[key];
  return {
    client_name: pick("client_name"),
    application_type: pick("application_type"),
    redirect_uris: pick("redirect_uris"),
    post_logout_redirect_uris: pick("post_logout_redirect_uris"),
    grant_types: pick("grant_types"),
    response_types: pick("response_types"),
    token_endpoint_auth_method: pick("token_endpoint_auth_method"),
  };
}

/**
 * Updates the registration in place (RFC 7592 §2.2): the whole metadata with the client id. The
 * provider may rotate the registration access token; the new one is kept.
 */
export async function updateClient(
  olds: RegistrationOutputs,
  news: RegistrationInputs,
): Promise<{ outs: RegistrationOutputs }> {
  const body = {
    ...news.metadata,
    client_id: olds.clientId,
    ...(olds.clientSecret ? { client_secret: olds.clientSecret } : {}),
  };
  const answer = await request(
    "PUT",
    olds.registrationClientUri,
    olds.registrationAccessToken,
    body,
  );
  return { outs: outputsFrom(news, olds.registrationEndpoint, answer.body, olds) };
}

/**
 * Deletes the registration (RFC 7592 §2.3) when the provider offers a client configuration
 * endpoint; otherwise the client stays at the provider and must be removed there.
 */
export async function deleteClient(props: RegistrationOutputs): Promise<void> {
  if (!props.registrationClientUri) return;
  try {
    await request("DELETE", props.registrationClientUri, props.registrationAccessToken);
  } catch (error) {
    if (hasStatus(error, 404, 410)) {
      return;
    }
    if (hasStatus(error, 401)) {
      throw new Error(
        `${error.message}. The registration access token was refused: the client may already be gone at the provider. If it is, remove it from the stack with pulumi state delete.`,
      );
    }
    throw error;
  }
}
