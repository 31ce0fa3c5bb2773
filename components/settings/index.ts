/**
 * OpenMetadata's security settings, as pure functions: no Pulumi resources, no I/O.
 *
 * This is the one module that knows OpenMetadata's environment variable names, its
 * `openmetadata.yaml` keys and the Helm chart's value keys. Targets call it; they never name an
 * OpenMetadata setting themselves.
 *
 * Secrets never pass through here as values. Where a secret belongs, the functions emit a
 * {@link SecretRef}, and the target substitutes its own secret output (a secret env entry on
 * Docker, a `secretKeyRef` on Kubernetes). That keeps previews readable: only the secret entries
 * are masked, never the whole environment.
 */
export {
  KEY_DIRECTORY,
  KEY_PATHS,
  SHIPPED_DEFAULTS,
  SecretName,
  SecretRef,
  EnvValue,
  ServerEnv,
  isSecretRef,
  SecurityInput,
  Topology,
  flowList,
  parseFlowList,
  adminPrincipals,
  publicKeyUrls,
  authorityOf,
  securityEnv,
  DB_PARAMS,
  databaseDriver,
  serverEnv,
  javaProxyEnv,
  BOT_TOKEN_ENV,
  botTokenEnv,
  resolveEnv,
  formatEnvFile,
} from "./env";
export {
  EgressProxy,
  JAVA_TOOL_OPTIONS,
  LOOPBACK_HOSTS,
  nonProxyHostProblem,
  internalHosts,
  nonProxyHosts,
  javaProxyOptions,
  javaProxyOf,
  bypassesProxy,
} from "./proxy";
export {
  OIDC_REQUIRED_DEFAULTS,
  SECURITY_YAML_KEYS,
  securityYamlObject,
  securityYaml,
  envReference,
  workflowConfig,
} from "./yaml";
export {
  OPENMETADATA_CHART,
  ChartSecretKey,
  ChartSecretRefs,
  ChartKeyFiles,
  ChartIngressInput,
  ChartInput,
  HelmValues,
  KEY_VOLUME,
  CHART_EXTRA_ENV,
  CHART_EXTRA_ENV_WITHOUT_PIPELINE,
  stickySessionAnnotations,
  ingressValues,
  helmValues,
} from "./helm";
export {
  CHART_DEFAULTS,
  coalesceValues,
  goQuote,
  ChartSecretContents,
  chartEnv,
  effectiveEnv,
} from "./chart-env";
