/**
 * The values the offline render gives random and key resources: derived from the stack name and the
 * resource's URN, so two renders of the same commit are byte-identical and a diff between two
 * commits shows only what the change did. They are render-only: the render is never deployed, and
 * `pulumi up` draws its own keys and passwords from `@pulumi/tls` and `@pulumi/random`.
 *
 * The key material is real: an RSA key pair of the requested size whose primes come from a
 * deterministic stream, checked by OpenSSL (`crypto.checkPrimeSync`), loaded by Node as PKCS#8 and
 * SPKI DER exactly as OpenMetadata loads its key files.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** What the render prints, and the PR comment repeats, about these values. */
export const RENDER_ONLY_NOTE =
  "Keys, key ids and passwords in a render are derived from the stack name and each resource's URN: render-only values, never used by a deployment (pulumi up generates its own).";

/** Bumped when the derivation changes, so cached keys of an older derivation are not reused. */
const DERIVATION = "openmetadata-sso offline render v1";

/** A deterministic byte stream: SHA-256 of the seed and a block counter. */
export function derivedStream(seed: string): (length: number) => Buffer {
  let counter = 0;
  let pending = Buffer.alloc(0);
  return (length) => {
    const blocks = [pending];
    let have = pending.length;
    while (have < length) {
      const block = crypto
        .createHash("sha256")
        .update(`${DERIVATION}\0${seed}\0${counter++}`)
        .digest();
      blocks.push(block);
      have += block.length;
    }
    const all = Buffer.concat(blocks);
    pending = all.subarray(length);
    return all.subarray(0, length);
  };
}

/** The seed of one value: the stack, the resource's URN, and what the value is for. */
export function seedOf(stack: string, urn: string, purpose: string): string {
  return `${stack}\0${urn}\0${purpose}`;
}

/** `length` bytes derived from a seed. */
export function derivedBytes(seed: string, length: number): Buffer {
  return derivedStream(seed)(length);
}

/** A version-4-shaped UUID derived from a seed. */
export function derivedUuid(seed: string): string {
  const h = derivedBytes(seed, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A password of `length` characters from the base64url alphabet, derived from a seed. */
export function derivedPassword(seed: string, length: number): string {
  return derivedBytes(seed, length).toString("base64url").slice(0, length);
}

/** Odd primes below 20,000, to rule out most candidates before OpenSSL's test. */
const SMALL_PRIMES: number[] = (() => {
  const limit = 20_000;
  const composite = new Uint8Array(limit);
  const primes: number[] = [];
  for (let i = 3; i < limit; i += 2) {
    if (composite[i]) continue;
    primes.push(i);
    for (let j = i * i; j < limit; j += 2 * i) composite[j] = 1;
  }
  return primes;
})();

const E = 65537n;

/**
 * The first prime at or after a derived odd number with its two top bits set (so the product of
 * two has exactly `2 × bits` bits), with `p - 1` coprime to e.
 */
function derivedPrime(bits: number, next: (length: number) => Buffer): bigint {
  for (;;) {
    const bytes = next(bits / 8);
    bytes[0] |= 0xc0;
    bytes[bytes.length - 1] |= 1;
    const start = BigInt(`0x${bytes.toString("hex")}`);
    const remainders = SMALL_PRIMES.map((p) => Number(start % BigInt(p)));
    // A window of 2^16 odd offsets holds a prime with overwhelming probability; draw again if not.
    for (let offset = 0; offset < 1 << 17; offset += 2) {
      let sieved = false;
      for (let i = 0; i < SMALL_PRIMES.length; i++) {
        if ((remainders[i] + offset) % SMALL_PRIMES[i] === 0) {
          sieved = true;
          break;
        }
      }
      if (sieved) continue;
      const candidate = start + BigInt(offset);
      if (candidate >> BigInt(bits) !== 0n) break;
      if ((candidate - 1n) % E === 0n) continue;
      if (crypto.checkPrimeSync(candidate, { checks: 1 }) && crypto.checkPrimeSync(candidate))
        return candidate;
    }
  }
}

/** The inverse of a modulo m (a and m coprime). */
function inverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [a % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

function base64url(value: bigint): string {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex").toString("base64url");
}

/** The PEM forms `@pulumi/tls`'s PrivateKey returns for an RSA key. */
export interface RsaKeyPairPem {
  privateKeyPemPkcs8: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

function pemForms(privateKey: crypto.KeyObject): RsaKeyPairPem {
  return {
    privateKeyPemPkcs8: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    publicKeyPem: crypto
      .createPublicKey(privateKey)
      .export({ type: "spki", format: "pem" })
      .toString(),
  };
}

/**
 * An RSA key pair of `bits` bits derived from a seed. Finding the primes takes a tenth of a second
 * to a second, so each pair is kept, as PKCS#8 DER, in `cacheDir` (when given) under the hash of
 * the seed and size; a cached pair is the same pair derived again, only faster.
 */
export function derivedRsaKeyPair(seed: string, bits: number, cacheDir?: string): RsaKeyPairPem {
  const name = crypto.createHash("sha256").update(`${DERIVATION}\0${bits}\0${seed}`).digest("hex");
  const file = cacheDir ? path.join(cacheDir, `${name}.der`) : undefined;
  if (file && fs.existsSync(file)) {
    try {
      const cached = crypto.createPrivateKey({
        key: fs.readFileSync(file),
        format: "der",
        type: "pkcs8",
      });
      if (cached.asymmetricKeyDetails?.modulusLength === bits) return pemForms(cached);
    } catch {
      // A damaged cache entry: derive the pair again below.
    }
  }
  const next = derivedStream(`rsa\0${bits}\0${seed}`);
  let p = derivedPrime(bits / 2, next);
  let q = derivedPrime(bits / 2, next);
  while (p === q) q = derivedPrime(bits / 2, next);
  if (p < q) [p, q] = [q, p];
  const d = inverse(E, (p - 1n) * (q - 1n));
  const privateKey = crypto.createPrivateKey({
    format: "jwk",
    key: {
      kty: "RSA",
      n: base64url(p * q),
      e: base64url(E),
      d: base64url(d),
      p: base64url(p),
      q: base64url(q),
      dp: base64url(d % (p - 1n)),
      dq: base64url(d % (q - 1n)),
      qi: base64url(inverse(q, p)),
    },
  });
  if (file) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Written aside and renamed, so a parallel render never reads half a file.
      const temporary = `${file}.${process.pid}`;
      fs.writeFileSync(temporary, privateKey.export({ type: "pkcs8", format: "der" }));
      fs.renameSync(temporary, file);
    } catch {
      // No cache (read-only checkout): the next render derives the pair again.
    }
  }
  return pemForms(privateKey);
}
