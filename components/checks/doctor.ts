/**
 * `doctor`: the checks through the public URL ({@link runOutsideChecks}), and the in-network one
 * where the server itself can be reached, run against a deployed stack whenever a user wants, with
 * one line per check. `npm run doctor -- <stack>` and the package's `openmetadata-sso-doctor` bin
 * (`components/doctor-cli.ts`) both call {@link main}.
 *
 * What to expect comes from the stack's `doctor` output, read with the Pulumi CLI, or from flags,
 * which also override it. Nothing here imports the Pulumi SDK: the command starts fast and runs
 * where only the package and the CLI are installed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { LOCAL_PASSPHRASE, LOCAL_STACK, LOCAL_STATE_DIR } from "../local-stack";
import { closest } from "../suggest";
import { caCertificates, trustedCaProblems, TRUSTED_CA_SETTING } from "../settings/truststore";
import { OpenMetadataProvider } from "../types";
import { callbackUrl, discoveryUrlOf, OPENMETADATA_AUTH_CONFIG_PATH } from "../urls";
import type { DoctorInput } from "./outside-gate";
import {
  failed,
  formatResult,
  getJson,
  OUTSIDE_TIMEOUT_MS,
  runOutsideChecks,
  type CheckResult,
  type OutsideExpectations,
  type OutsideOptions,
} from "./outside";
import { authDrift, DRIFT_REMEDY, servedKeyIds, type ExpectedAuth } from "./verify";

/** The stack output `doctor` reads (see `OpenMetadataSso.doctor`). */
export const DOCTOR_OUTPUT = "doctor";

/** What the command line asked for. */
export interface DoctorArgs {
  /** The stack whose outputs to read. @default - none: the values come from flags */
  stack?: string;
  help: boolean;
  /** ANSI colours on a terminal; `--no-color` (or `NO_COLOR`) turns them off. */
  color: boolean;
  publicUrl?: string;
  clientId?: string;
  authority?: string;
  /** The provider's issuer, whose discovery document is read. @default - the authority */
  issuer?: string;
  keyId?: string;
  callback?: string;
  /** Redirect URIs registered at the provider. @default - the callback */
  redirectUris: string[];
  clientType?: "confidential" | "public";
  provider?: OpenMetadataProvider;
  pkce?: boolean;
  nonce?: boolean;
  replicas?: number;
  affinityCookie?: string;
  caFiles: string[];
  /** The server's own address (a port-forward), for the in-network check. */
  internalUrl?: string;
  timeoutMs: number;
}

/** Flags that take a value, by name, with where each goes. */
const VALUE_FLAGS = {
  "--public-url": "publicUrl",
  "--client-id": "clientId",
  "--authority": "authority",
  "--issuer": "issuer",
  "--key-id": "keyId",
  "--callback": "callback",
  "--redirect-uri": "redirectUris",
  "--client-type": "clientType",
  "--provider": "provider",
  "--replicas": "replicas",
  "--affinity-cookie": "affinityCookie",
  "--ca-file": "caFiles",
  "--internal-url": "internalUrl",
  "--timeout": "timeoutMs",
} as const;
const SWITCHES = ["--help", "-h", "--pkce", "--no-pkce", "--nonce", "--no-nonce", "--no-color"];
const PROVIDERS: readonly OpenMetadataProvider[] = Object.values(OpenMetadataProvider);

/** The usage `--help` prints. */
export const DOCTOR_USAGE = `Usage: npm run doctor -- <stack> [flags]
       openmetadata-sso-doctor <stack> [flags]
       openmetadata-sso-doctor --public-url <url> --client-id <id> --authority <url> --key-id <kid> [flags]

Checks a deployed OpenMetadata with single sign-on from where you stand: the public URL's TLS
certificate, the auth settings and JWKS it serves, the provider's issuer, the login redirect and
the ingress's cookie affinity. Prints one line per check and exits 1 when any check fails.

With a stack, the expectations come from its "${DOCTOR_OUTPUT}" output, read with
\`pulumi stack output --json --stack <stack>\` (the Pulumi CLI, logged in to the stack's backend).
Flags override them; without a stack they are the only source.

  --public-url <url>        the URL users open
  --client-id <id>          the OIDC client id OpenMetadata serves
  --authority <url>         the authority OpenMetadata serves
  --issuer <url>            the provider's issuer, whose discovery document is read (default: the authority)
  --key-id <kid>            the key id OpenMetadata's JWKS must serve
  --callback <url>          OpenMetadata's callback (default: <public-url>/callback)
  --redirect-uri <url>      a redirect URI registered at the provider; repeat for several (default: the callback)
  --client-type <type>      confidential or public (default: confidential)
  --provider <name>         OpenMetadata's provider: ${PROVIDERS.join(", ")}
  --pkce, --no-pkce         the login sends a PKCE challenge (default: --pkce)
  --nonce, --no-nonce       the login sends a nonce (default: --nonce)
  --replicas <n>            server replicas; above 1 the affinity cookie is checked (default: 1)
  --affinity-cookie <name>  the ingress's affinity cookie
  --ca-file <file>          PEM CA certificates to trust besides the system's; repeat for several
  --internal-url <url>      the server itself (e.g. after kubectl port-forward), for the in-network check
  --timeout <seconds>       per request (default: ${OUTSIDE_TIMEOUT_MS / 1000})
  --no-color                no colours, even on a terminal
  -h, --help                this text
`;

/** A command line that cannot run: every problem, one per line. */
export class DoctorUsageError extends Error {
  constructor(public readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "DoctorUsageError";
  }
}

const isHttpUrl = (value: string): boolean => {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const URL_FLAGS = new Set([
  "--public-url",
  "--authority",
  "--issuer",
  "--callback",
  "--redirect-uri",
  "--internal-url",
]);

/**
 * Parses the command line (`argv` without node and the script). Pure. Every problem is reported at
 * once in a {@link DoctorUsageError}.
 */
export function parseDoctorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = {}): DoctorArgs {
  const args: DoctorArgs = {
    help: false,
    color: env.NO_COLOR === undefined || env.NO_COLOR === "",
    redirectUris: [],
    caFiles: [],
    timeoutMs: OUTSIDE_TIMEOUT_MS,
  };
  const problems: string[] = [];
  const positional: string[] = [];
  const known = [...Object.keys(VALUE_FLAGS), ...SWITCHES];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (!word.startsWith("-") || word === "-") {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const flag = eq > 0 ? word.slice(0, eq) : word;
    if (SWITCHES.includes(flag)) {
      if (eq > 0) problems.push(`${flag} takes no value; got ${JSON.stringify(word)}`);
      else if (flag === "--help" || flag === "-h") args.help = true;
      else if (flag === "--no-color") args.color = false;
      else if (flag === "--pkce" || flag === "--no-pkce") args.pkce = flag === "--pkce";
      else args.nonce = flag === "--nonce";
      continue;
    }
    if (!(flag in VALUE_FLAGS)) {
      const near = closest(flag, known);
      problems.push(
        `unknown flag ${flag}${near === undefined ? "" : `. Did you mean ${near}?`} (see --help)`,
      );
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = word.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
    if (value === undefined || value === "") {
      problems.push(`${flag} needs a value`);
      continue;
    }
    const key = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
    if (URL_FLAGS.has(flag) && !isHttpUrl(value)) {
      problems.push(`${flag} must be an http(s) URL; got ${JSON.stringify(value)}`);
      continue;
    }
    switch (key) {
      case "redirectUris":
      case "caFiles":
        args[key].push(value);
        break;
      case "replicas": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) {
          problems.push(
            `--replicas must be a whole number of 1 or more; got ${JSON.stringify(value)}`,
          );
        } else args.replicas = n;
        break;
      }
      case "timeoutMs": {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds <= 0) {
          problems.push(
            `--timeout must be a number of seconds above 0; got ${JSON.stringify(value)}`,
          );
        } else args.timeoutMs = Math.round(seconds * 1000);
        break;
      }
      case "clientType":
        if (value !== "confidential" && value !== "public") {
          problems.push(
            `--client-type must be confidential or public; got ${JSON.stringify(value)}`,
          );
        } else args.clientType = value;
        break;
      case "provider":
        if (!PROVIDERS.includes(value as OpenMetadataProvider)) {
          const near = closest(value, PROVIDERS);
          problems.push(
            `--provider must be one of ${PROVIDERS.join(", ")}; got ${JSON.stringify(value)}${near === undefined ? "" : `. Did you mean ${near}?`}`,
          );
        } else args.provider = value as OpenMetadataProvider;
        break;
      case "publicUrl":
      case "internalUrl":
        // As the stack config has it: no trailing slash, the paths are appended.
        args[key] = value.replace(/\/+$/, "");
        break;
      default:
        args[key] = value;
    }
  }
  if (positional.length > 1) {
    problems.push(
      `give at most one stack; got ${positional.map((word) => JSON.stringify(word)).join(", ")}`,
    );
  } else if (positional.length === 1) args.stack = positional[0];
  if (problems.length > 0 && !args.help) throw new DoctorUsageError(problems);
  return args;
}

// ---------------------------------------------------------------------------------------------
// The stack's outputs.
// ---------------------------------------------------------------------------------------------

/** How a child process ran; `error` when it could not start (ENOENT: not on PATH). */
export interface ExecResult {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}
export type Exec = (file: string, args: string[], env: NodeJS.ProcessEnv) => ExecResult;

const spawnExec: Exec = (file, args, env) => {
  const result = spawnSync(file, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  return {
    status: result.status,
    stdout: result.stdout ?? "",
    stderr: result.stderr ?? "",
    ...(result.error ? { error: result.error as NodeJS.ErrnoException } : {}),
  };
};

/** The command that reads a stack's outputs. Secrets stay encrypted: none is needed. */
export function outputCommand(stack: string): string[] {
  return ["stack", "output", "--json", "--stack", stack];
}

/**
 * The stack's outputs through the Pulumi CLI. Throws a {@link DoctorUsageError} that says what to
 * do when the CLI is missing, fails, or prints something other than a JSON object.
 */
export function readStackOutputs(
  stack: string,
  exec: Exec = spawnExec,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, unknown> {
  const args = outputCommand(stack);
  const shown = `pulumi ${args.join(" ")}`;
  const result = exec("pulumi", args, env);
  if (result.error?.code === "ENOENT") {
    throw new DoctorUsageError([
      `The Pulumi CLI is not on PATH, so the outputs of stack ${JSON.stringify(stack)} cannot be read. Install it (https://www.pulumi.com/docs/install/), or give the values as flags: --public-url, --client-id, --authority, --key-id (see --help)`,
    ]);
  }
  if (result.error || result.status !== 0) {
    const said = (result.stderr || result.error?.message || "").trim().split("\n")[0];
    throw new DoctorUsageError([
      `${shown} failed${result.status === null ? "" : ` (exit ${result.status})`}: ${said || "no message"}. Check the stack's name (pulumi stack ls) and that the CLI is logged in to its backend (pulumi whoami)`,
    ]);
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(result.stdout);
  } catch {
    outputs = undefined;
  }
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
    throw new DoctorUsageError([`${shown} printed something other than a JSON object`]);
  }
  return outputs as Record<string, unknown>;
}

/** What the checks expect, the CAs they trust, and where the expectations came from. */
export interface DoctorPlan {
  expected: OutsideExpectations;
  ca: string[];
  source: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" && value !== "[secret]" ? value : undefined;

/** The `doctor` output, when the stack has one that reads as a {@link DoctorInput}. */
function doctorInputOf(outputs: Record<string, unknown>): DoctorInput | undefined {
  const raw = outputs[DOCTOR_OUTPUT];
  if (typeof raw !== "string") return undefined;
  try {
    const input = JSON.parse(raw) as DoctorInput;
    return typeof input.publicUrl === "string" && typeof input.auth === "object"
      ? input
      : undefined;
  } catch {
    return undefined;
  }
}

/** The auth fields a command line without the `doctor` output knows. */
function givenFields(args: DoctorArgs): (keyof ExpectedAuth)[] {
  return [
    ...(args.provider === undefined ? [] : (["provider"] as const)),
    "clientId",
    "authority",
    "callbackUrl",
    ...(args.clientType === undefined ? [] : (["clientType"] as const)),
  ];
}

/**
 * The checks' expectations: the stack's `doctor` output with the flags over it, or, for a stack
 * updated before that output existed or for no stack, its basic outputs (`url`, `clientId`,
 * `issuer`, `keyId`, `caCertificate`) and the flags. Then the settings check compares only the
 * fields given. Every missing value is reported at once. `ca` holds the CA files' certificates.
 */
export function doctorPlan(
  args: DoctorArgs,
  outputs: Record<string, unknown> | undefined,
  ca: readonly string[] = [],
): DoctorPlan {
  const stack = args.stack === undefined ? undefined : JSON.stringify(args.stack);
  const input = outputs === undefined ? undefined : doctorInputOf(outputs);
  if (input !== undefined) {
    const auth: ExpectedAuth = {
      ...input.auth,
      ...(args.provider === undefined ? {} : { provider: args.provider }),
      ...(args.clientId === undefined ? {} : { clientId: args.clientId }),
      ...(args.authority === undefined ? {} : { authority: args.authority }),
      ...(args.callback === undefined ? {} : { callbackUrl: args.callback }),
      ...(args.clientType === undefined ? {} : { clientType: args.clientType }),
      ...(args.keyId === undefined ? {} : { keyId: args.keyId }),
    };
    const { ca: stackCa, ...expected } = input;
    return {
      expected: {
        ...expected,
        auth,
        ...(args.publicUrl === undefined ? {} : { publicUrl: args.publicUrl }),
        ...(args.provider === undefined ? {} : { provider: args.provider }),
        ...(args.issuer === undefined ? {} : { discoveryUrl: discoveryUrlOf(args.issuer) }),
        ...(args.redirectUris.length === 0 ? {} : { redirectUris: args.redirectUris }),
        ...(args.pkce === undefined ? {} : { pkce: args.pkce }),
        ...(args.nonce === undefined ? {} : { nonce: args.nonce }),
        ...(args.replicas === undefined ? {} : { replicas: args.replicas }),
        ...(args.affinityCookie === undefined ? {} : { affinityCookie: args.affinityCookie }),
      },
      ca: [...stackCa, ...ca],
      source: `the ${DOCTOR_OUTPUT} output of stack ${stack}`,
    };
  }
  const from = outputs ?? {};
  const value = (flag: string, output: string, given: string | undefined) => {
    const found = given ?? text(from[output]);
    if (found === undefined) {
      problems.push(
        outputs === undefined
          ? `${flag} is needed without a stack (or name a stack: npm run doctor -- <stack>)`
          : `${flag} is needed: stack ${stack} has neither a ${DOCTOR_OUTPUT} output nor a plain ${output} output (a pulumi up with this version adds the ${DOCTOR_OUTPUT} output)`,
      );
    }
    return found ?? "";
  };
  const problems: string[] = [];
  const publicUrl = value("--public-url", "url", args.publicUrl);
  const clientId = value("--client-id", "clientId", args.clientId);
  const authority = value("--authority", "issuer", args.authority);
  const keyId = value("--key-id", "keyId", args.keyId);
  if (problems.length > 0) throw new DoctorUsageError(problems);
  const callback = args.callback ?? callbackUrl(publicUrl);
  const provider = args.provider ?? "custom-oidc";
  const generated = text(from.caCertificate);
  return {
    expected: {
      publicUrl,
      auth: {
        provider,
        providerName: "",
        clientId,
        authority,
        callbackUrl: callback,
        clientType: args.clientType ?? "confidential",
        enableSelfSignup: false,
        jwtPrincipalClaims: [],
        jwtPrincipalClaimsMapping: [],
        keyId,
        publicKeyUrls: [],
      },
      provider,
      discoveryUrl: discoveryUrlOf(args.issuer ?? authority),
      redirectUris: args.redirectUris.length > 0 ? args.redirectUris : [callback],
      pkce: args.pkce ?? true,
      nonce: args.nonce ?? true,
      replicas: args.replicas ?? 1,
      ...(args.affinityCookie === undefined ? {} : { affinityCookie: args.affinityCookie }),
      authFields: givenFields(args),
    },
    ca: [...(generated === undefined ? [] : [generated]), ...ca],
    source: outputs === undefined ? "flags" : `the basic outputs of stack ${stack} and flags`,
  };
}

/**
 * The certificates of the `--ca-file` files, checked as `trustedCaCertificates` is: every problem
 * of every file at once.
 */
export function caFromFiles(
  files: readonly string[],
  read: (file: string) => string = (file) => fs.readFileSync(file, "utf8"),
  now: Date = new Date(),
): string[] {
  const problems: string[] = [];
  const certificates: string[] = [];
  for (const file of files) {
    let content: string;
    try {
      content = read(file);
    } catch (error) {
      problems.push(`--ca-file ${file} cannot be read: ${(error as Error).message}`);
      continue;
    }
    const found = trustedCaProblems(content, now);
    if (found.length > 0) {
      problems.push(
        ...found.map((problem) =>
          `--ca-file ${file}: ${problem}`.replace(
            `pulumi config set openmetadata-sso:${TRUSTED_CA_SETTING} -- "$(cat ca.pem)"`,
            "--ca-file ca.pem",
          ),
        ),
      );
    } else certificates.push(...caCertificates(content));
  }
  if (problems.length > 0) throw new DoctorUsageError(problems);
  return certificates;
}

// ---------------------------------------------------------------------------------------------
// Running.
// ---------------------------------------------------------------------------------------------

/**
 * The in-network check: the server itself (`--internal-url`, a port-forward or the Docker host's
 * port) serves the expected auth settings and key id. Compared with the same {@link authDrift} and
 * {@link servedKeyIds} as the verification `pulumi up` runs, so a failure here and a pass through
 * the public URL (or the other way round) tells the server from the ingress.
 */
export async function inNetworkCheck(
  internalUrl: string | undefined,
  expected: OutsideExpectations,
  options: OutsideOptions = {},
): Promise<CheckResult> {
  if (internalUrl === undefined) {
    return {
      check: "in-network",
      status: "skip",
      summary:
        "not run: give --internal-url with the server's own address (for instance after kubectl port-forward) to tell the server from the ingress",
    };
  }
  const trust = { ca: options.ca, timeoutMs: options.timeoutMs ?? OUTSIDE_TIMEOUT_MS };
  const auth = await getJson(`${internalUrl}${OPENMETADATA_AUTH_CONFIG_PATH}`, trust);
  const jwks = await getJson(`${internalUrl}/api/v1/system/config/jwks`, trust);
  const seen: string[] = [];
  if ("error" in auth) seen.push(auth.error);
  else {
    const fields = expected.authFields;
    for (const { field, deployed, served } of authDrift(
      expected.auth,
      (auth.body ?? {}) as Record<string, unknown>,
    )) {
      if (fields === undefined || fields.includes(field)) {
        seen.push(`${field} ${JSON.stringify(served)} for ${JSON.stringify(deployed)}`);
      }
    }
  }
  if ("error" in jwks) seen.push(jwks.error);
  else if (!servedKeyIds(jwks.body).includes(expected.auth.keyId)) {
    seen.push(`key ids ${JSON.stringify(servedKeyIds(jwks.body))}`);
  }
  if (seen.length === 0) {
    return {
      check: "in-network",
      status: "pass",
      summary: `${internalUrl} serves the expected auth settings and key id ${expected.auth.keyId}`,
    };
  }
  const unreachable = "error" in auth && "error" in jwks;
  return {
    check: "in-network",
    status: "fail",
    summary: unreachable
      ? `${internalUrl} cannot be read`
      : `the server itself serves other auth settings or keys than expected`,
    expected: unreachable
      ? "OpenMetadata's auth settings and JWKS"
      : `the ${expected.authFields === undefined ? "deployed" : "given"} auth settings and key id ${JSON.stringify(expected.auth.keyId)}`,
    seen: seen.join("; "),
    fix: unreachable
      ? "check the address: the server listens on port 8585 (kubectl port-forward to its Service, or the Docker host's published port)"
      : DRIFT_REMEDY,
  };
}

/** Every check: the in-network one, then those through the public URL. Never throws. */
export async function runDoctor(
  plan: DoctorPlan,
  internalUrl: string | undefined,
  options: Omit<OutsideOptions, "ca"> = {},
): Promise<CheckResult[]> {
  const run = { ...options, ...(plan.ca.length > 0 ? { ca: plan.ca } : {}) };
  return [
    await inNetworkCheck(internalUrl, plan.expected, run),
    ...(await runOutsideChecks(plan.expected, run)),
  ];
}

const COLORS: Record<CheckResult["status"], string> = {
  pass: "\u001b[32m",
  warn: "\u001b[33m",
  fail: "\u001b[31m",
  skip: "\u001b[2m",
};

/**
 * The report: what was checked, one line per check, and the tally. Colours only the status word,
 * and only when asked (a terminal).
 */
export function doctorReport(
  plan: Pick<DoctorPlan, "expected" | "source">,
  results: readonly CheckResult[],
  color: boolean,
): string {
  const count = (status: CheckResult["status"]) =>
    results.filter((result) => result.status === status).length;
  const lines = results.map((result) => {
    const line = formatResult(result);
    if (!color) return line;
    const label = result.status.toUpperCase();
    return `${COLORS[result.status]}${label}\u001b[0m${line.slice(label.length)}`;
  });
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [
    `openmetadata-sso doctor: ${plan.expected.publicUrl}, expectations from ${plan.source}`,
    ...lines,
    `${failed(results) ? "FAILED" : "OK"}: ${plural(count("fail"), "failure")}, ${plural(count("warn"), "warning")}, ${count("pass")} passed, ${count("skip")} skipped`,
    "",
  ].join("\n");
}

/** What {@link main} reads and writes; tests pass their own. */
export interface DoctorIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  exec?: Exec;
  readFile?: (file: string) => string;
  /** @default new Date() */
  now?: Date;
}

/**
 * The stack `local` of `npm run up:local` keeps its state in `.pulumi-state/` of the checkout,
 * encrypted with a demo passphrase unless the user set one (scripts/local.ts). The CLI finds it
 * only when told: from a checkout that has that state, and unless a backend is set already, doctor
 * tells it as `npm run up:local` does.
 */
export function pulumiEnv(
  stack: string,
  env: NodeJS.ProcessEnv,
  cwd: string,
  exists: (dir: string) => boolean = fs.existsSync,
): NodeJS.ProcessEnv {
  const state = path.join(cwd, LOCAL_STATE_DIR);
  if (stack !== LOCAL_STACK || env.PULUMI_BACKEND_URL !== undefined || !exists(state)) return env;
  return {
    ...env,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE ?? LOCAL_PASSPHRASE,
  };
}

/** The exit code: 0 when nothing failed, 1 when a check failed, 2 when it could not run. */
export async function main(argv: readonly string[], io: DoctorIo): Promise<number> {
  try {
    const args = parseDoctorArgs(argv, io.env);
    if (args.help) {
      io.stdout(DOCTOR_USAGE);
      return 0;
    }
    const ca = caFromFiles(args.caFiles, io.readFile, io.now);
    const outputs =
      args.stack === undefined
        ? undefined
        : readStackOutputs(args.stack, io.exec, pulumiEnv(args.stack, io.env, process.cwd()));
    const plan = doctorPlan(args, outputs, ca);
    const results = await runDoctor(plan, args.internalUrl, {
      timeoutMs: args.timeoutMs,
      ...(io.now === undefined ? {} : { now: io.now }),
    });
    io.stdout(doctorReport(plan, results, args.color && io.isTTY));
    return failed(results) ? 1 : 0;
  } catch (error) {
    if (!(error instanceof DoctorUsageError)) throw error;
    io.stderr(
      `openmetadata-sso doctor cannot run:\n${error.problems.map((problem) => `  - ${problem}`).join("\n")}\n`,
    );
    return 2;
  }
}
