/**
 * Which secret-bearing env entries of each Docker container arrived in plain text.
 *
 * A validation cannot tell a secret from a plain value: `@pulumi/policy` hands it secrets in
 * clear, with no mark (pulumi/pulumi-policy#241). A remediation receives them marked. The engine
 * runs, for every resource, the remediations of every pack first and the validations after, in
 * the same pack process. So the remediation `secret-env-encrypted` remembers here what it saw
 * arrive in plain text, and the validation `client-secret-from-secret` reads it for the same
 * resource.
 */

/** What the remediation pass saw of each resource, by URN. */
export class PlaintextMemory {
  private readonly seen = new Map<string, readonly string[]>();

  /** Records the secret-bearing env names a resource's inputs carried in plain text. */
  remember(urn: string, plainNames: readonly string[]): void {
    this.seen.set(urn, [...plainNames]);
  }

  /**
   * The secret-bearing env names the resource carried in plain text, or `undefined` when the
   * remediation pass did not see it (the remediation is disabled, or did not run).
   */
  plainNames(urn: string): readonly string[] | undefined {
    return this.seen.get(urn);
  }

  /** Forgets everything (tests evaluate several programs in one process). */
  reset(): void {
    this.seen.clear();
  }
}

/** The pack's memory for the run. */
export const plaintext = new PlaintextMemory();
