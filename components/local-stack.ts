/**
 * The stack of `npm run up:local` (scripts/local.ts): its name, where its state lives inside the
 * checkout, and the demo passphrase its secrets are encrypted with unless the user sets one.
 * `doctor` reads the same state.
 */
export const LOCAL_STACK = "local";

/** The state directory, relative to the checkout. */
export const LOCAL_STATE_DIR = ".pulumi-state";

/** Protects nothing but a demo on this machine; set PULUMI_CONFIG_PASSPHRASE to choose your own. */
export const LOCAL_PASSPHRASE = "openmetadata-sso-local";
