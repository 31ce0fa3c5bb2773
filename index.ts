/**
 * The stack program: read and validate the stack config, create the component, export its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  ConfigValidationError,
  readStackConfig,
  stackComponentName,
  type StackConfig,
} from "./components/config";
import { OpenMetadataSso } from "./components/openmetadata-sso";

function read(): StackConfig {
  try {
    // The stack names the component, and with it the Kubernetes objects: checked with the rest.
    return readStackConfig(undefined, { stack: pulumi.getStack() });
  } catch (error) {
    // A clean list of every problem, without a stack trace.
    if (error instanceof ConfigValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

const { args, placeholders, warnings } = read();
for (const warning of warnings) pulumi.log.warn(warning);
if (placeholders.length > 0) {
  pulumi.log.warn(
    `Offline render: ${placeholders.join(", ")} ${placeholders.length === 1 ? "has" : "have"} no value here; a marked placeholder stands in.`,
  );
}

const openmetadata = new OpenMetadataSso(stackComponentName(pulumi.getStack()), args);

export const url = openmetadata.url;
export const loginUrl = openmetadata.loginUrl;
export const clientId = openmetadata.clientId;
export const issuer = openmetadata.issuer;
export const clientSecretEndDate = openmetadata.clientSecretEndDate;
export const jwksUrl = openmetadata.jwksUrl;
export const keyId = openmetadata.keyId;
export const openMetadataYaml = openmetadata.openMetadataYaml;
export const workflowConfig = openmetadata.workflowConfig;
export const keycloakUrl = openmetadata.keycloakUrl;
export const demoUser = openmetadata.demoUser;
export const demoPassword = openmetadata.demoPassword;
// `npm run up:local` keeps the local stack's state in a backend of its own, which a bare
// `pulumi stack output` would not find; its wrapper reads the password from there.
export const demoPasswordCommand = openmetadata.demoPassword
  ? pulumi.output(
      pulumi.getStack() === "local"
        ? "npm run password:local"
        : "pulumi stack output --show-secrets demoPassword",
    )
  : undefined;
export const caCertificate = openmetadata.caCertificate;
// What `npm run doctor -- <stack>` reads.
export const doctor = openmetadata.doctor;
