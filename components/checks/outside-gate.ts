/**
 * The Pulumi wiring of the checks through the public URL: after the in-network verification, in a
 * `pulumi up`, from the machine running it. Pure pieces ({@link outsideExpectations},
 * {@link outsideFailure}) are tested without mocks; {@link outsideGate} under mocks.
 */
import * as pulumi from "@pulumi/pulumi";
import type { IdentityApp } from "../identity/types";
import { isOffline } from "../offline";
import { isSecretRef, type ServerEnv } from "../settings/env";
import type { OpenMetadataProvider } from "../types";
import { discoveryUrlOf } from "../urls";
import {
  failed,
  formatResult,
  runOutsideChecks,
  type CheckResult,
  type OutsideExpectations,
  type OutsideOptions,
} from "./outside";
import { expectedAuth } from "./verify";

/** What the deployment knows beyond the server's env. */
export interface OutsideDeployment {
  publicUrl: string;
  /** The provider's issuer as browsers and tokens see it; its discovery document is read from here. */
  issuer: string;
  redirectUris: string[];
  replicas: number;
  /** @default - no sticky sessions */
  affinityCookie?: string;
}

/**
 * The outside checks' expectations from the deployed env: the auth settings the in-network
 * verification expects, and the login parameters OpenMetadata's server sends (`OIDC_DISABLE_PKCE`,
 * `OIDC_USE_NONCE`, confidential clients only). The discovery document is the browser's, at the
 * issuer (OpenID Connect Discovery 1.0 §4), not `OIDC_DISCOVERY_URI`, which may name a host only
 * the server reaches.
 */
export function outsideExpectations(
  env: ServerEnv,
  deployment: OutsideDeployment,
): OutsideExpectations {
  const flag = (name: string) => {
    const value = env[name];
    return value !== undefined && !isSecretRef(value) ? value : undefined;
  };
  return {
    publicUrl: deployment.publicUrl,
    // The public key URLs are the server's to reach, from inside its network.
    auth: { ...expectedAuth(env), publicKeyUrls: [] },
    provider: flag("AUTHENTICATION_PROVIDER") as OpenMetadataProvider,
    discoveryUrl: discoveryUrlOf(deployment.issuer),
    redirectUris: deployment.redirectUris,
    pkce: flag("OIDC_DISABLE_PKCE") === "false",
    nonce: flag("OIDC_USE_NONCE") === "true",
    replicas: deployment.replicas,
    ...(deployment.affinityCookie === undefined
      ? {}
      : { affinityCookie: deployment.affinityCookie }),
  };
}

/**
 * What `doctor` reads from a stack to run the checks through the public URL on its own, any time
 * after the update: their expectations and the CAs they trust besides the system's roots. The
 * stack exports it as JSON, its `doctor` output. Nothing in it is secret: the expectations hold
 * only the env's plain values.
 */
export interface DoctorInput extends OutsideExpectations {
  ca: string[];
}

/** The `doctor` output: {@link DoctorInput} as JSON, keys in a fixed order. */
export function doctorInputJson(expected: OutsideExpectations, ca: readonly string[]): string {
  const input: DoctorInput = { ...expected, ca: [...ca] };
  return JSON.stringify(input);
}

/** The message of a failed check through the public URL: every line, then how to rerun it. */
export function outsideFailure(publicUrl: string, results: readonly CheckResult[]): string {
  const failures = results.filter((result) => result.status === "fail");
  return (
    `The check through the public URL ${publicUrl} failed (${failures.length} problem${failures.length === 1 ? "" : "s"}); the in-network verification passed, so users reach something other than what was deployed:\n` +
    results.map((result) => `  ${formatResult(result)}`).join("\n") +
    "\nFix the cause, then run `pulumi up` again. Where the public URL cannot be reached from this machine, set openmetadata.checkPublicUrl to false."
  );
}

/**
 * The stack's `doctor` output, from the values the gate checks with. Computed in every update and
 * preview, whether or not the gate runs: `doctor` may run from where the update could not reach.
 */
export function doctorOutput(
  args: {
    deployment: Omit<OutsideDeployment, "issuer">;
    identity: Pick<IdentityApp, "issuer">;
    env: pulumi.Output<ServerEnv>;
  },
  ca?: pulumi.Input<string[]>,
): pulumi.Output<string> {
  return pulumi
    .all([args.env, args.identity.issuer, ca ?? []])
    .apply(([env, issuer, trusted]) =>
      doctorInputJson(outsideExpectations(env, { ...args.deployment, issuer }), trusted),
    );
}

/** The gate's value once the checks passed (or warned), and when they did not run. */
export const OUTSIDE_PASSED = "passed";
export const OUTSIDE_SKIPPED = "skipped";

/** The line an update prints when the check is switched off. */
export const OUTSIDE_SKIPPED_MESSAGE =
  "Check through the public URL skipped: openmetadata.checkPublicUrl is false. The in-network verification still ran.";

/** How {@link outsideGate} runs; the defaults come from the Pulumi runtime. */
export interface OutsideGateOptions {
  parent?: pulumi.Resource;
  /** @default pulumi.runtime.isDryRun() */
  dryRun?: boolean;
  /** @default isOffline() */
  offline?: boolean;
  /** Extra CA certificates (PEM) to trust. @default - the system's roots only */
  ca?: pulumi.Input<string[]>;
  /** @default runOutsideChecks */
  run?: (expected: OutsideExpectations, options: OutsideOptions) => Promise<CheckResult[]>;
}

/**
 * Runs the checks through the public URL once `after` (the in-network verification) resolved, in
 * an update. Not in a preview (nothing is deployed yet) nor offline (no network). With `enabled`
 * false it only logs {@link OUTSIDE_SKIPPED_MESSAGE}. Passes and warnings are logged line by line;
 * a failure fails the update with every line.
 */
export function outsideGate(
  args: {
    enabled: boolean;
    deployment: Omit<OutsideDeployment, "issuer">;
    identity: Pick<IdentityApp, "issuer">;
    env: pulumi.Output<ServerEnv>;
    after: pulumi.Input<unknown>;
  },
  options: OutsideGateOptions = {},
): pulumi.Output<string> {
  if (options.offline ?? isOffline()) return pulumi.output(OUTSIDE_PASSED);
  if (!args.enabled) {
    pulumi.log.info(OUTSIDE_SKIPPED_MESSAGE, options.parent);
    return pulumi.output(OUTSIDE_SKIPPED);
  }
  if (options.dryRun ?? pulumi.runtime.isDryRun()) return pulumi.output(OUTSIDE_PASSED);
  const run = options.run ?? runOutsideChecks;
  return pulumi
    .all([args.env, args.identity.issuer, options.ca ?? [], args.after])
    .apply(async ([env, issuer, ca]) => {
      const expected = outsideExpectations(env, { ...args.deployment, issuer });
      const results = await run(expected, ca.length > 0 ? { ca } : {});
      if (failed(results)) {
        throw new pulumi.RunError(outsideFailure(expected.publicUrl, results));
      }
      for (const result of results) {
        const line = `Through the public URL: ${formatResult(result)}`;
        if (result.status === "warn") pulumi.log.warn(line, options.parent);
        else pulumi.log.info(line, options.parent);
      }
      return OUTSIDE_PASSED;
    });
}
