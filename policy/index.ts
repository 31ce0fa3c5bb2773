/**
 * The openmetadata-sso guardrails policy pack. Run it with:
 *
 *     pulumi preview --policy-pack policy
 *
 * See README.md next to this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
  description:
    "Production guardrails for openmetadata-sso: no shipped keys, no basic auth, https only, secrets stay secret, code flow only, sticky sessions, admins in the principal domain, protected data.",
  enforcementLevel: "advisory",
  policies,
});
