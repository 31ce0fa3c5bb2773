/**
 * X.509 certificates for tests, built with node:crypto alone: no openssl binary, no dependency.
 *
 * A certificate is DER (RFC 5280) written here by hand: version 3, an ECDSA P-256 key, signed
 * with ecdsa-with-SHA256 by its issuer's key. Enough to serve HTTPS on 127.0.0.1 with a chain of
 * root, intermediate and leaf, and to break each link on purpose: a wrong host, an expired or
 * nearly expired leaf, a missing intermediate, an unknown root.
 */
import * as crypto from "node:crypto";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";

// DER: tag, length, content.
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 + n, inner);
const octets = (content: Buffer) => tlv(0x04, content);
const bits = (content: Buffer, unused = 0) =>
  tlv(0x03, Buffer.concat([Buffer.from([unused]), content]));
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));

function integer(value: Buffer): Buffer {
  let content = value;
  while (content.length > 1 && content[0] === 0 && content[1] < 0x80) content = content.subarray(1);
  if (content[0] >= 0x80) content = Buffer.concat([Buffer.from([0]), content]);
  return tlv(0x02, content);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [a * 40 + b];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "Z";
  // UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(iso.slice(2), "ascii"))
    : tlv(0x18, Buffer.from(iso, "ascii"));
}

const name = (commonName: string) =>
  seq(set(seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(commonName, "utf8")))));

const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** A certificate with its key. */
export interface TestCertificate {
  /** PEM of the certificate. */
  cert: string;
  /** PEM (PKCS#8) of its private key. */
  key: string;
  keyObject: crypto.KeyObject;
  commonName: string;
}

/** What to put in a certificate. */
export interface CertificateOptions {
  commonName: string;
  /** Signer; a self-signed certificate without it. */
  issuer?: TestCertificate;
  /** A CA certificate (basicConstraints cA), for roots and intermediates. @default false */
  ca?: boolean;
  /** DNS names and IP addresses of a server certificate. @default [] */
  hosts?: string[];
  /** @default one day ago */
  notBefore?: Date;
  /** @default in one year */
  notAfter?: Date;
}

let serial = 1;

/** Builds and signs one certificate. */
export function certificate(options: CertificateOptions): TestCertificate {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - 86_400_000);
  const notAfter = options.notAfter ?? new Date(now + 365 * 86_400_000);
  const spki = publicKey.export({ type: "spki", format: "der" });
  const extensions: Buffer[] = [];
  if (options.ca) {
    extensions.push(extension("2.5.29.19", true, seq(bool(true))));
    // keyCertSign and cRLSign: bits 5 and 6, so one unused bit.
    extensions.push(extension("2.5.29.15", true, bits(Buffer.from([0x06]), 1)));
  } else {
    // digitalSignature: bit 0, seven unused bits.
    extensions.push(extension("2.5.29.15", true, bits(Buffer.from([0x80]), 7)));
    extensions.push(extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))));
  }
  const hosts = options.hosts ?? [];
  if (hosts.length > 0) {
    const names = hosts.map((host) => {
      if (net.isIPv4(host)) return tlv(0x87, Buffer.from(host.split(".").map(Number)));
      return tlv(0x82, Buffer.from(host, "ascii"));
    });
    extensions.push(extension("2.5.29.17", false, seq(...names)));
  }
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(Buffer.from([0x10, (serial >> 8) & 0xff, serial++ & 0xff, ...crypto.randomBytes(8)])),
    ECDSA_SHA256,
    name(options.issuer?.commonName ?? options.commonName),
    seq(time(notBefore), time(notAfter)),
    name(options.commonName),
    spki,
    explicit(3, seq(...extensions)),
  );
  const signer = options.issuer?.keyObject ?? privateKey;
  const signature = crypto.sign("sha256", tbs, signer);
  const der = seq(tbs, ECDSA_SHA256, bits(signature));
  const body = der.toString("base64").replace(/.{64}/g, "$&\n");
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${body}${body.endsWith("\n") ? "" : "\n"}-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    keyObject: privateKey,
    commonName: options.commonName,
  };
}

/** A root CA, an intermediate it signs, and a way to sign server certificates with the latter. */
export interface TestPki {
  root: TestCertificate;
  intermediate: TestCertificate;
  /** A server certificate signed by the intermediate. */
  leaf(options: Omit<CertificateOptions, "issuer" | "ca">): TestCertificate;
}

/** A fresh two-level PKI; `label` tells the names of two PKIs apart. */
export function testPki(label: string): TestPki {
  const root = certificate({ commonName: `${label} Root CA`, ca: true });
  const intermediate = certificate({
    commonName: `${label} Intermediate CA`,
    ca: true,
    issuer: root,
  });
  return {
    root,
    intermediate,
    leaf: (options) => certificate({ ...options, issuer: intermediate }),
  };
}

/** A private CA and a server certificate it issued for 127.0.0.1 and localhost. */
export function privateCa(commonName = "openmetadata-sso test CA"): {
  ca: TestCertificate;
  server: TestCertificate;
} {
  const ca = certificate({ commonName, ca: true });
  const server = certificate({
    commonName: "127.0.0.1",
    hosts: ["localhost", "127.0.0.1"],
    issuer: ca,
  });
  return { ca, server };
}

/**
 * A `fetch` that trusts `ca` besides Node's roots, as a browser or a server with the CA installed
 * does (the global `fetch` takes no CA). It never follows redirects, which every caller here
 * handles itself (`redirect: "manual"`) or does not meet.
 */
export function fetchTrusting(ca: readonly string[]): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init.headers);
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : Buffer.from(await new Response(init.body).arrayBuffer());
    if (body !== undefined) headers.set("content-length", String(body.length));
    return await new Promise<Response>((resolve, reject) => {
      const request = https.request(
        url,
        {
          method: init.method ?? "GET",
          headers: Object.fromEntries(headers),
          ca: [...tls.rootCertificates, ...ca],
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const out = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              for (const item of Array.isArray(value) ? value : [value ?? ""])
                out.append(name, item);
            }
            const status = response.statusCode ?? 0;
            const empty = status === 204 || status === 304;
            resolve(
              new Response(empty ? null : Buffer.concat(chunks), {
                status,
                statusText: response.statusMessage,
                headers: out,
              }),
            );
          });
          response.on("error", reject);
        },
      );
      request.on("error", (error) => reject(new TypeError("fetch failed", { cause: error })));
      request.end(body);
    });
  };
}
