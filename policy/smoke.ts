/**
 * Starts the pack the way `pulumi preview --policy-pack policy` does, with no Pulumi CLI: the
 * CLI's `pulumi-analyzer-policy` resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's
 * directory and runs it there, which compiles and type-checks `index.ts` with ts-node and serves
 * the analyzer over gRPC. This script then asks for the pack's policies and remediates and
 * analyzes a small production stack through that server, as the engine does, and exits 1 unless
 * the expected remediation and violations come back.
 *
 *     npx tsx policy/smoke.ts
 */
import { spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as services from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerproto from "@pulumi/pulumi/proto/analyzer_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { urnOf } from "./harness";
import { COMPONENT_TYPE } from "./ownership";

const PACK = __dirname;
const CONTAINER = "docker:index/container:Container";

function request(
  type: string,
  name: string,
  urn: string,
  props: Record<string, structproto.JavaScriptValue>,
  parent?: string,
) {
  const options = new analyzerproto.AnalyzerResourceOptions();
  options.setProtect(false);
  if (parent) options.setParent(parent);
  const req = new analyzerproto.AnalyzeRequest();
  req.setType(type);
  req.setName(name);
  req.setUrn(urn);
  req.setProperties(structproto.Struct.fromJavaScript(props));
  req.setOptions(options);
  return req;
}

async function main(): Promise<number> {
  const script = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK] });
  const started = Date.now();
  const child = spawn(process.execPath, [script, "127.0.0.1:0", "."], { cwd: PACK });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once("exit", (code) => reject(new Error(`the pack exited with ${code}:\n${stderr}`)));
    });
    console.log(
      `pack serving on port ${port} after ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const Client = grpc.makeGenericClientConstructor(services.AnalyzerService, "Analyzer");
    const client = new Client(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    ) as unknown as Record<
      string,
      (req: unknown, callback: (error: Error | null, response: unknown) => void) => void
    >;
    const call = <T>(method: string, req: unknown) =>
      new Promise<T>((resolve, reject) =>
        client[method](req, (error, response) => (error ? reject(error) : resolve(response as T))),
      );

    const info = await call<analyzerproto.AnalyzerInfo>("getAnalyzerInfo", new emptyproto.Empty());
    console.log(
      `${info.getName()} ${info.getVersion()}: ${info.getPoliciesList().length} policies`,
    );

    const component = urnOf([COMPONENT_TYPE], "om", "prod");
    const requests = [
      request(COMPONENT_TYPE, "om", component, {
        environment: "production",
        publicUrl: "https://openmetadata.example.com",
        admins: ["alice@example.com"],
        principalDomain: "example.com",
      }),
      request(
        CONTAINER,
        "om-server",
        urnOf([COMPONENT_TYPE, CONTAINER], "om-server", "prod"),
        {
          envs: [
            "AUTHENTICATION_PROVIDER=basic",
            "JWT_KEY_ID=6b1e",
            "FERNET_KEY=x",
            "OIDC_CLIENT_SECRET=plain",
          ],
        },
        component,
      ),
    ];
    const found: string[] = [];
    for (const req of requests) {
      // As the engine does: the remediations first, then the validations on their result.
      const remediated = await call<analyzerproto.RemediateResponse>("remediate", req);
      for (const remediation of remediated.getRemediationsList()) {
        found.push(`remediated ${remediation.getPolicyname()}`);
        console.log(`[remediated] ${remediation.getPolicyname()} (${req.getName()})`);
        const properties = remediation.getProperties();
        if (properties !== undefined) req.setProperties(properties);
      }
      const response = await call<analyzerproto.AnalyzeResponse>("analyze", req);
      for (const d of response.getDiagnosticsList()) {
        const level = d.getEnforcementlevel() === 1 ? "mandatory" : "advisory";
        found.push(`${level} ${d.getPolicyname()}`);
        console.log(
          `[${level}] ${d.getPolicyname()} (${req.getName()})\n  ${d.getMessage().replace(/\n/g, "\n  ")}`,
        );
      }
    }
    const expected = [
      "remediated secret-env-encrypted",
      "mandatory no-shipped-keys",
      "mandatory no-basic-auth",
      "mandatory client-secret-from-secret",
    ];
    const missing = expected.filter((line) => !found.includes(line));
    if (missing.length > 0) {
      console.error(`missing: ${missing.join(", ")}`);
      return 1;
    }
    console.log("ok: the pack loads as the CLI loads it and enforces in production");
    return 0;
  } finally {
    child.kill();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
