/**
 * The pack's policies. Pulumi fixes a policy's enforcement level when the pack starts, so every
 * rule is registered twice: `<rule>` is mandatory and judges the resources of production stacks;
 * `<rule>-non-production` is advisory and judges the others. Each variant declares itself not
 * applicable to the other's resources. What "production" means is decided in `ownership.ts`.
 *
 * One more policy, `secret-env-encrypted`, remediates instead of judging: a validation cannot tell
 * a secret from a plain value (pulumi/pulumi-policy#241), a remediation can, so it turns any
 * secret-bearing env entry of a Docker container that arrives in plain text into a Pulumi secret,
 * and remembers which ones did (`plaintext.ts`) for `client-secret-from-secret` to judge.
 */
import {
  Secret,
  type Policies,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
} from "@pulumi/policy";
import { SECRET_ENV_NAMES } from "./openmetadata";
import { DEFAULT_ENVIRONMENT, ownership } from "./ownership";
import { plaintext } from "./plaintext";
import { unproxied } from "./props";
import { CONTAINER, RULES, type Rule } from "./rules";

/** Name of the pack, as `pulumi preview` prints it. */
export const PACK_NAME = "openmetadata-sso-guardrails";

/** Suffix of the advisory variant of each rule. */
export const NON_PRODUCTION_SUFFIX = "-non-production";

/** Whether the resource is judged as production. */
export function isProduction(args: ResourceValidationArgs): boolean {
  return ownership.environmentOf(args) === DEFAULT_ENVIRONMENT;
}

/** One variant of a rule: mandatory for production resources, or advisory for the others. */
export function scopedPolicy(rule: Rule, production: boolean): ResourceValidationPolicy {
  return {
    name: production ? rule.id : `${rule.id}${NON_PRODUCTION_SUFFIX}`,
    description: rule.description,
    enforcementLevel: production ? "mandatory" : "advisory",
    validateResource: (args, reportViolation) => {
      ownership.observe(args);
      if (isProduction(args) !== production) {
        args.notApplicable(
          production
            ? `${ownership.environmentOf(args)} is not production`
            : `production resources are judged by ${rule.id}`,
        );
      }
      rule.check({
        args,
        component: ownership.componentOf(args),
        plainSecretEnvs: plaintext.plainNames(args.urn),
        report: (message) => reportViolation(message),
      });
    },
  };
}

/** The name of a `NAME=value` env entry when it is one OpenMetadata's secrets travel in. */
function secretEnvName(entry: string): string | undefined {
  const name = entry.slice(0, entry.indexOf("="));
  return (SECRET_ENV_NAMES as readonly string[]).includes(name) ? name : undefined;
}

/**
 * The secret-bearing env entries of a Docker container (OpenMetadata's client secret, fernet key
 * and passwords) that arrive in plain text, by name, in order. Reads the properties as a
 * remediation receives them, where a secret is a `policy.Secret`: an entry that is a secret, or
 * a list that is a secret as a whole, is not plain. A list unknown during preview has none.
 */
export function plainSecretEnvNames(props: Record<string, unknown>): string[] {
  const envs = (unproxied(props) as Record<string, unknown>).envs;
  if (!Array.isArray(envs)) return [];
  const names: string[] = [];
  for (const entry of envs as unknown[]) {
    const name = typeof entry === "string" ? secretEnvName(entry) : undefined;
    if (name !== undefined) names.push(name);
  }
  return names;
}

/**
 * Makes the secret-bearing entries of a Docker container's `envs` Pulumi secrets when they arrive
 * in plain text. Returns the changed properties, or `undefined` when nothing needs to change.
 */
export function encryptSecretEnvs(
  props: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (plainSecretEnvNames(props).length === 0) return undefined;
  const raw = unproxied(props) as Record<string, unknown>;
  const envs = raw.envs as unknown[];
  const next = envs.map((entry: unknown) =>
    typeof entry === "string" && secretEnvName(entry) !== undefined ? new Secret(entry) : entry,
  );
  return { ...raw, envs: next };
}

export const secretEnvEncrypted: ResourceValidationPolicy = {
  name: "secret-env-encrypted",
  description: `A container's ${SECRET_ENV_NAMES.join(", ")} entries are stored as Pulumi secrets.`,
  enforcementLevel: "remediate",
  remediateResource: (args) => {
    ownership.observe(args);
    if (args.type !== CONTAINER) return undefined;
    // What arrived in plain text, for client-secret-from-secret, which runs after this.
    plaintext.remember(args.urn, plainSecretEnvNames(args.props));
    return encryptSecretEnvs(args.props);
  },
};

/** Every policy of the pack. */
export const policies: Policies = [
  ...RULES.flatMap((rule) => [scopedPolicy(rule, true), scopedPolicy(rule, false)]),
  secretEnvEncrypted,
];
