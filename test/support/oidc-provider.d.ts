/**
 * The few parts of oidc-provider 9 the test harness uses. The package ships no type declarations
 * and none are published for version 9, so these are written from its source (lib/provider.js,
 * lib/models/grant.js) for test/support/oidc.ts only.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  /** Client registration metadata (RFC 7591 names). */
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    grant_types?: string[];
    response_types?: string[];
    token_endpoint_auth_method?: string;
    [key: string]: unknown;
  }

  /** Provider configuration; see oidc-provider's docs/README.md. */
  export type Configuration = Record<string, unknown>;

  /** The Koa context the provider's middleware sees. */
  export interface ProviderContext {
    path: string;
    status: number;
    body: unknown;
    headers: Record<string, string | undefined>;
    set(name: string, value: string): void;
    /** Set once a route of the provider handles the request (lib/helpers/oidc_context.js). */
    oidc?: {
      /** The route's name, e.g. `token`. */
      route?: string;
      /** The client, once identified (lib/models/client.js). */
      client?: { clientId: string; clientAuthMethod: string };
      /** The request's parameters the route accepts. */
      params?: Record<string, unknown>;
    };
  }

  /** An error the provider answered with (lib/helpers/errors.js). */
  export interface ProviderError extends Error {
    error: string;
    error_description: string;
    /** The reason, logged but never sent. */
    error_detail?: string;
  }

  /** A pending login or consent, as `interactionDetails` returns it. */
  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    params: Record<string, unknown>;
    session?: { accountId: string };
    grantId?: string;
  }

  /** Consent given by an account to a client. */
  export class Grant {
    constructor(init: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
    static find(id: string): Promise<Grant | undefined>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    readonly Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>): void;
    /** The token endpoint answered with an error (lib/helpers/initialize_app.js). */
    on(event: "grant.error", listener: (ctx: ProviderContext, error: ProviderError) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
  }
}
