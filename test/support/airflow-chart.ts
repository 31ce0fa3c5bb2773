/**
 * Facts of the apache/airflow Helm chart 1.18.0 (the `airflow` dependency of OpenMetadata's
 * dependencies chart 1.13.1, charts/deps/Chart.yaml @039a208): where each Airflow process's shared
 * secret keys come from. Read in the copy vendored whole at cloudapp-suites/cloudapps-catalog
 * @7646596 (charts/airflow: values.yaml, templates/_helpers.yaml, templates/secrets/*), since
 * apache/airflow is over the fetch limit. Not rendered with helm.
 */

/** Chart 1.18.0 values.yaml `airflowVersion`; the dependencies chart 1.13.1 sets none. */
export const DEFAULT_AIRFLOW_VERSION = "3.0.2";

/** Where one env variable of the chart's `standard_airflow_environment` takes its value. */
export type KeySource =
  /** A Secret the chart does not make: the deployment must create it with this key. */
  | { from: "existing Secret"; secret: string; key: string }
  /** The chart's own Secret holding a value from the release's values. */
  | { from: "values"; value: string }
  /** The chart's own Secret holding `randAlphaNum 32`, drawn again at every render. */
  | { from: "generated at every render" };

/** The subset of the `airflow` values this model reads. */
export interface AirflowKeyValues {
  airflowVersion?: string;
  apiSecretKey?: string | null;
  apiSecretKeySecretName?: string | null;
  jwtSecret?: string | null;
  jwtSecretName?: string | null;
  webserverSecretKey?: string | null;
  webserverSecretKeySecretName?: string | null;
}

function source(
  secretName: string | null | undefined,
  key: string,
  value: string | null | undefined,
): KeySource {
  if (secretName) return { from: "existing Secret", secret: secretName, key };
  // templates/secrets/*: `default (randAlphaNum 32) .Values.<value>`, no hook, no `lookup`.
  return value ? { from: "values", value } : { from: "generated at every render" };
}

/**
 * The secret-key env variables the chart gives every Airflow container (templates/_helpers.yaml:
 * AIRFLOW__WEBSERVER__SECRET_KEY only below 3.0.0, the other two from 3.0.0), with their source.
 */
export function airflowKeySources(values: AirflowKeyValues): Record<string, KeySource> {
  const major = Number((values.airflowVersion ?? DEFAULT_AIRFLOW_VERSION).split(".")[0]);
  if (major < 3) {
    return {
      AIRFLOW__WEBSERVER__SECRET_KEY: source(
        values.webserverSecretKeySecretName,
        "webserver-secret-key",
        values.webserverSecretKey,
      ),
    };
  }
  return {
    AIRFLOW__API__SECRET_KEY: source(
      values.apiSecretKeySecretName,
      "api-secret-key",
      values.apiSecretKey,
    ),
    AIRFLOW__API_AUTH__JWT_SECRET: source(values.jwtSecretName, "jwt-secret", values.jwtSecret),
  };
}
