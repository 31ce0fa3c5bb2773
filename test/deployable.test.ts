/**
 * The rules on whether a config can be deployed where it points, with certificates generated here
 * (test/support/x509.ts): the provided TLS chain against publicUrl's host, the clock, its own order
 * and its private key, through readStackConfig and validateArgs as the program and a library use them.
 */
import { describe, expect, it } from "vitest";
import {
  ConfigValidationError,
  readStackConfig,
  validateArgs,
  type RawConfig,
} from "../components/config";
import { serverCertificateProblems, tlsExpiryWarnings } from "../components/config/deployable";
import type { OpenMetadataSsoArgs } from "../components/openmetadata-sso";
import { certificate, testPki } from "./support/x509";

const NS = "openmetadata-sso";
const pki = testPki("Deployable");
const leaf = pki.leaf({ commonName: "om.example.com", hosts: ["om.example.com"] });
const chain = leaf.cert + pki.intermediate.cert + pki.root.cert;

/** A staging Docker stack serving `certificate` with `key`, as stack config. */
function stack(cert: string, key: string | undefined, publicUrl = "https://om.example.com") {
  const values: Record<string, string> = {
    [`${NS}:environment`]: "staging",
    [`${NS}:publicUrl`]: publicUrl,
    [`${NS}:target`]: "docker",
    [`${NS}:admins`]: JSON.stringify(["alice@example.com"]),
    [`${NS}:identity`]: JSON.stringify({
      provider: "oidc",
      oidc: { issuer: "https://idp.example.com", clientId: "om" },
    }),
    [`${NS}:clientSecret`]: "s3cret-value",
    [`${NS}:docker`]: JSON.stringify({ tls: { mode: "provided", certificate: cert } }),
  };
  if (key !== undefined) values[`${NS}:tlsPrivateKey`] = key;
  return values;
}

function problems(values: Record<string, string>, offline = false): string[] {
  const raw: RawConfig = {
    values,
    secretKeys: new Set([`${NS}:clientSecret`, `${NS}:tlsPrivateKey`]),
  };
  try {
    readStackConfig(raw, { env: {}, offline });
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.issues.map((i) => i.message);
    throw error;
  }
}

const certificateKey = `${NS}:docker.tls.certificate`;
const subject = (cn: string) => `(subject "CN=${cn}")`;

describe("the provided TLS certificate", () => {
  it("is accepted as a chain in order, valid for publicUrl's host, with its own key", () => {
    expect(problems(stack(chain, leaf.key))).toEqual([]);
  });

  it("is held to publicUrl's host, wildcards and IP addresses as TLS clients match them", () => {
    const wildcard = pki.leaf({ commonName: "*.example.com", hosts: ["*.example.com"] });
    expect(problems(stack(wildcard.cert, wildcard.key))).toEqual([]);
    // A wildcard covers one label only.
    expect(problems(stack(wildcard.cert, wildcard.key, "https://a.om.example.com"))).toEqual([
      `${certificateKey}: certificate 1 ${subject("*.example.com").slice(0, -1)}, names "DNS:*.example.com") is not valid for "a.om.example.com", the host of publicUrl, so browsers would refuse it. Use a certificate issued for a.om.example.com (or a wildcard for its parent domain), first in the chain`,
    ]);
    const ip = pki.leaf({ commonName: "10.0.0.5", hosts: ["10.0.0.5"] });
    expect(problems(stack(ip.cert, ip.key, "https://10.0.0.5:8443"))).toEqual([]);
    expect(problems(stack(leaf.cert, leaf.key, "https://10.0.0.5:8443"))).toEqual([
      `${certificateKey}: certificate 1 (subject "CN=om.example.com", names "DNS:om.example.com") is not valid for "10.0.0.5", the host of publicUrl, so browsers would refuse it. Use a certificate issued for 10.0.0.5, first in the chain`,
    ]);
  });

  it("refuses a key that is not the certificate's, or no key at all, never showing it", () => {
    const stranger = certificate({ commonName: "stranger" });
    expect(problems(stack(chain, stranger.key))).toEqual([
      `${NS}:tlsPrivateKey: is not the key of ${certificateKey} ${subject("om.example.com")}: the certificate's public key belongs to another key (value hidden), so the proxy could not serve TLS. Give the key the certificate was issued for`,
    ]);
    expect(
      problems(
        stack(chain, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"),
      ),
    ).toEqual([
      `${NS}:tlsPrivateKey: must be the PEM private key of ${certificateKey}; got text that is not a private key (value hidden). Set it to the whole PEM file of the key: pulumi config set --secret ${NS}:tlsPrivateKey <value>`,
    ]);
  });

  it("checks the key a library passes as a string too, and leaves an Output or a placeholder", () => {
    const stranger = certificate({ commonName: "stranger" });
    const args = (privateKey: unknown) =>
      ({
        environment: "staging",
        publicUrl: "https://om.example.com",
        target: "docker",
        admins: ["alice@example.com"],
        identity: {
          provider: "oidc",
          oidc: { issuer: "https://idp.example.com", clientId: "om", clientSecret: "s3cret-value" },
        },
        docker: { tls: { mode: "provided", certificate: chain, privateKey } },
      }) as unknown as OpenMetadataSsoArgs;
    expect(() => validateArgs(args(leaf.key))).not.toThrow();
    expect(() => validateArgs(args(stranger.key))).toThrow(
      `args.docker.tls.privateKey: is not the key of args.docker.tls.certificate ${subject("om.example.com")}`,
    );
    expect(problems(stack(chain, `offline-placeholder:${NS}:tlsPrivateKey`), true)).toEqual([]);
  });

  it("refuses a chain out of order, naming both certificates", () => {
    expect(problems(stack(leaf.cert + pki.root.cert, leaf.key))).toEqual([
      `${certificateKey}: certificate 1 ${subject("om.example.com")} was not issued by certificate 2 ${subject("Deployable Root CA")}, which follows it. Give the chain in order: the server's certificate first, each followed by its issuer`,
    ]);
  });

  it("refuses an expired or not yet valid certificate, and other blocks in the chain", () => {
    const now = new Date("2030-06-01T00:00:00Z");
    const dated = (notBefore: string, notAfter: string) =>
      certificate({
        commonName: "om.example.com",
        hosts: ["om.example.com"],
        notBefore: new Date(notBefore),
        notAfter: new Date(notAfter),
      }).cert;
    expect(
      serverCertificateProblems(
        dated("2029-01-01T00:00:00Z", "2030-05-31T23:59:59Z"),
        "om.example.com",
        now,
      ).problems,
    ).toEqual([
      `certificate 1 ${subject("om.example.com")} expired on 2030-05-31T23:59:59.000Z, so browsers would refuse it. Renew it and give the new chain`,
    ]);
    expect(
      serverCertificateProblems(
        dated("2030-06-02T00:00:00Z", "2031-01-01T00:00:00Z"),
        "om.example.com",
        now,
      ).problems,
    ).toEqual([
      `certificate 1 ${subject("om.example.com")} is not valid before 2030-06-02T00:00:00.000Z. Check this machine's clock, or use a certificate valid now`,
    ]);
    expect(
      serverCertificateProblems(
        leaf.cert +
          "-----BEGIN CERTIFICATE REQUEST-----\nbW9jaw==\n-----END CERTIFICATE REQUEST-----\n",
        "om.example.com",
        new Date(),
      ).problems,
    ).toEqual(["block 2 is a CERTIFICATE REQUEST, not a CERTIFICATE. Keep only the certificates"]);
  });
});

describe("a provided TLS certificate about to expire", () => {
  it("warns within 14 days, counting whole days left, and is still accepted", () => {
    const now = new Date("2030-06-01T00:00:00Z");
    const expiring = (notAfter: string) =>
      certificate({
        commonName: "om.example.com",
        hosts: ["om.example.com"],
        notBefore: new Date("2030-01-01T00:00:00Z"),
        notAfter: new Date(notAfter),
      }).cert;
    const settings = (cert: string) =>
      ({ target: "docker", docker: { tls: { mode: "provided", certificate: cert } } }) as never;
    expect(tlsExpiryWarnings(settings(expiring("2030-06-14T12:00:00Z")), now)).toEqual([
      `${certificateKey}: certificate 1 ${subject("om.example.com")} expires on 2030-06-14T12:00:00.000Z, in 13 days; browsers refuse it from then on. Renew it and give the new chain`,
    ]);
    expect(tlsExpiryWarnings(settings(expiring("2030-06-02T00:00:00Z")), now)).toEqual([
      `${certificateKey}: certificate 1 ${subject("om.example.com")} expires on 2030-06-02T00:00:00.000Z, in 1 day; browsers refuse it from then on. Renew it and give the new chain`,
    ]);
    expect(tlsExpiryWarnings(settings(expiring("2030-06-15T00:00:00Z")), now)).toEqual([]);
  });

  it("reaches the program as a warning of readStackConfig", () => {
    const soon = pki.leaf({
      commonName: "om.example.com",
      hosts: ["om.example.com"],
      notAfter: new Date(Date.now() + 3 * 86_400_000 + 3_600_000),
    });
    const raw: RawConfig = {
      values: stack(soon.cert + pki.intermediate.cert + pki.root.cert, soon.key),
      secretKeys: new Set([`${NS}:clientSecret`, `${NS}:tlsPrivateKey`]),
    };
    const { warnings } = readStackConfig(raw, { env: {} });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^openmetadata-sso:docker\.tls\.certificate: certificate 1 \(subject "CN=om\.example\.com"\) expires on .*, in 3 days; browsers refuse it from then on\. Renew it and give the new chain$/,
    );
    expect(
      readStackConfig({ ...raw, values: stack(chain, leaf.key) }, { env: {} }).warnings,
    ).toEqual([]);
  });
});
