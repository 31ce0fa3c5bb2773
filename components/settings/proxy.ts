/**
 * The server's egress proxy. The JVM ignores `HTTP(S)_PROXY`, so OpenMetadata behind
 * a proxy fails to fetch an identity provider's JWKS with `UnknownHostException` and every sign-in
 * ends in "No key found". The JVM reads its proxy from system properties instead, which
 * `JAVA_TOOL_OPTIONS` sets for any JVM started in the container, whatever script starts it: the
 * server, its migration and the bot token regeneration alike.
 */
import { hostOf, portOf } from "../urls";

/** The proxy settings of a deployment, as configured (`openmetadata.egressProxy`). */
export interface EgressProxy {
  /** `http://<host>:<port>` of the proxy. */
  url: string;
  /** Further hosts reached without the proxy, in `http.nonProxyHosts` syntax. */
  noProxy: string[];
}

/** The environment variable every JVM reads its extra options from, before `main` runs. */
export const JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

/**
 * Loopback, always reached directly. Setting `http.nonProxyHosts` replaces the JVM's default
 * (`localhost|127.*|[::1]`), so it is repeated first.
 */
export const LOOPBACK_HOSTS = ["localhost", "127.*", "[::1]"] as const;

/** An example shown when a `noProxy` entry cannot be corrected. */
export const EXAMPLE_NO_PROXY = "*.corp.example.com";

/**
 * Why `pattern` is not an entry of Java's `http.nonProxyHosts` (a host name or IP address, with at
 * most one `*`, at its start or its end), phrased to follow its value, and the entry to use;
 * `undefined` when it is one. The JVM compares anything else literally, so a `NO_PROXY`-style
 * `.corp.example.com`, a port or a CIDR range would silently match nothing.
 */
export function nonProxyHostProblem(pattern: string): string | undefined {
  const use = (fix: string) => `. Use ${JSON.stringify(fix)}`;
  if (/^[A-Za-z0-9_.-]+$/.test(pattern) && !pattern.startsWith(".")) return undefined;
  if (/^\*[A-Za-z0-9_.-]+$/.test(pattern) || /^[A-Za-z0-9_.-]+\*$/.test(pattern)) return undefined;
  if (pattern === "*") {
    return ", which would send no request through the proxy. Remove egressProxy instead";
  }
  const url = /^[a-z]+:\/\/([^/:?#]+)/i.exec(pattern);
  if (url) return `, which is a URL: the JVM compares host names only${use(url[1])}`;
  if (/^\.[A-Za-z0-9_.-]+$/.test(pattern)) {
    return `, which starts with "." as NO_PROXY does: the JVM would compare it literally${use(`*${pattern}`)}`;
  }
  const cidr = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(8|16|24)$/.exec(pattern);
  if (cidr) {
    const kept = cidr.slice(1, 1 + Number(cidr[5]) / 8).join(".");
    return `, which is a CIDR range: the JVM matches text, not addresses${use(`${kept}.*`)}`;
  }
  if (/^[0-9.]+\/\d+$/.test(pattern)) {
    return ', which is a CIDR range: the JVM matches text, not addresses. Write the addresses\' common start followed by *, like "10.*"';
  }
  const port = /^(\*?[A-Za-z0-9_.-]+\*?):\d+$/.exec(pattern);
  if (port && nonProxyHostProblem(port[1]) === undefined) {
    return `, which has a port: the JVM compares host names only${use(port[1])}`;
  }
  if (/[|\s,;]/.test(pattern)) {
    return ", which holds several entries: give each its own list item";
  }
  if (/\*/.test(pattern)) {
    return `, which has "*" other than once at its start or its end, the forms Java documents for http.nonProxyHosts${use(EXAMPLE_NO_PROXY)}`;
  }
  return `, which has a character a host name cannot hold${use(EXAMPLE_NO_PROXY)}`;
}

/**
 * The hosts the server reaches inside its own network: its own service (the in-network JWKS URL
 * and `SERVER_HOST_API_URL`), the database, the search engine, Airflow and an identity provider
 * that runs beside it. The proxy would not know their names.
 */
export function internalHosts(hosts: {
  internalUrl: string;
  database: string;
  search: string;
  airflowEndpoint?: string;
  identityHost?: string;
}): string[] {
  return [
    hostOf(hosts.internalUrl),
    hosts.database,
    hosts.search,
    ...(hosts.airflowEndpoint === undefined ? [] : [hostOf(hosts.airflowEndpoint)]),
    ...(hosts.identityHost === undefined ? [] : [hosts.identityHost]),
  ];
}

/**
 * `http.nonProxyHosts`, as a list: loopback, then the in-network hosts, then the user's own
 * entries, lowercased (the JVM compares lowercased) and each once, first place kept.
 */
export function nonProxyHosts(internal: readonly string[], noProxy: readonly string[]): string[] {
  return [...new Set([...LOOPBACK_HOSTS, ...internal, ...noProxy].map((h) => h.toLowerCase()))];
}

/**
 * The `JAVA_TOOL_OPTIONS` value that sends the JVM's HTTP and HTTPS requests through `proxyUrl`,
 * except to `nonProxy` hosts (`http.nonProxyHosts` applies to https too). Options are separated by
 * spaces, which no host or pattern holds.
 */
export function javaProxyOptions(proxyUrl: string, nonProxy: readonly string[]): string {
  const host = hostOf(proxyUrl);
  const port = portOf(proxyUrl);
  return [
    `-Dhttp.proxyHost=${host}`,
    `-Dhttp.proxyPort=${port}`,
    `-Dhttps.proxyHost=${host}`,
    `-Dhttps.proxyPort=${port}`,
    `-Dhttp.nonProxyHosts=${nonProxy.join("|")}`,
  ].join(" ");
}

/** The proxy a `JAVA_TOOL_OPTIONS` value configures, or `undefined` when it configures none. */
export function javaProxyOf(
  options: string | undefined,
): { proxy: string; nonProxyHosts: string[] } | undefined {
  if (options === undefined) return undefined;
  const properties = new Map(
    options
      .split(/\s+/)
      .map((option) => /^-D([^=]+)=(.*)$/.exec(option))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1], match[2]]),
  );
  const host = properties.get("https.proxyHost");
  if (host === undefined) return undefined;
  return {
    proxy: `${host}:${properties.get("https.proxyPort") ?? "443"}`,
    nonProxyHosts: (properties.get("http.nonProxyHosts") ?? "").split("|").filter(Boolean),
  };
}

/**
 * True when the JVM reaches `url` without its proxy: its host matches an `http.nonProxyHosts`
 * entry as the JVM matches them, case-insensitively, `*` at the start or end matching any text.
 */
export function bypassesProxy(url: string, nonProxy: readonly string[]): boolean {
  const host = hostOf(url).toLowerCase();
  return nonProxy.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.startsWith("*")) return host.endsWith(pattern.slice(1));
    if (pattern.endsWith("*")) return host.startsWith(pattern.slice(0, -1));
    return host === pattern;
  });
}
