/**
 * Stacks of one repository that would collide when deployed: on one Kubernetes cluster, the same
 * namespaced objects (the Helm releases first: both charts install under fixed release names); on
 * one Docker host, the same host ports, or containers, volumes or networks of the same name.
 *
 * Each stack's footprint is read from what its render would deploy (the recorded resources), so the
 * check sees the names and ports the components really derive, and `npm run render:all` compares
 * the footprints of every stack. Pure functions: no file, no network.
 */
import { SecretValue, type RecordedResource } from "./offline";

/** A host port a container publishes. */
export interface PublishedPort {
  port: number;
  /** Host address it binds; Docker's default is 0.0.0.0, every address. */
  ip: string;
  protocol: string;
  container: string;
  /** The setting that chooses this port, phrased to follow "set". */
  setting: string;
}

/** A named Docker object: its names share one namespace per kind on a Docker host. */
export interface DockerName {
  kind: "container" | "volume" | "network";
  name: string;
}

/** A Kubernetes object or Helm release; `namespace` is undefined for a cluster-scoped object. */
export interface KubernetesObject {
  kind: string;
  namespace?: string;
  name: string;
}

/** What one stack would occupy where it deploys. */
export interface Footprint {
  stack: string;
  /** The stack file, as messages name it. */
  file: string;
  docker?: {
    /** `docker:context`, else `docker:host`; undefined: the environment's default host. */
    host?: { context?: string; host?: string };
    ports: PublishedPort[];
    names: DockerName[];
  };
  kubernetes?: {
    /** The provider's context; undefined: the kubeconfig's current context. */
    context?: string;
    /** The provider's kubeconfig (a path or the file's text); undefined: the default one. */
    kubeconfig?: string;
    objects: KubernetesObject[];
  };
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";

/**
 * The setting behind a published port, by the container port it maps to (components/docker.ts and
 * components/identity/local-keycloak.ts): the server's HTTP port is `docker.httpPort` behind the
 * TLS proxy (published on 127.0.0.1); without TLS it defaults to the public URL's port.
 */
function portSetting(internal: number, ip: string): string {
  switch (internal) {
    case 8585:
      return ip === "127.0.0.1"
        ? "openmetadata-sso:docker.httpPort"
        : "the port of openmetadata-sso:publicUrl";
    case 8586:
      return "openmetadata-sso:docker.adminPort";
    case 443:
      return "openmetadata-sso:docker.tls.httpsPort";
    case 8080:
      return "openmetadata-sso:identity.localKeycloak.port";
    default:
      return `the host port of container port ${internal}`;
  }
}

const plain = (value: unknown): unknown => (value instanceof SecretValue ? value.value : value);
const textOf = (value: unknown): string | undefined => {
  const unwrapped = plain(value);
  return typeof unwrapped === "string" && unwrapped !== "" ? unwrapped : undefined;
};

/**
 * A stack's footprint from its recorded resources and its provider config (`docker:host` and
 * `docker:context`, which the Docker SDK reads; DOCKER_HOST and DOCKER_CONTEXT are the
 * environment's, the same for every stack).
 */
export function footprintOf(
  stack: string,
  file: string,
  resources: readonly RecordedResource[],
  providerConfig: Readonly<Record<string, string>>,
): Footprint {
  const footprint: Footprint = { stack, file };
  const docker = resources.filter((r) => r.type.startsWith("docker:"));
  if (docker.length > 0) {
    const ports: PublishedPort[] = [];
    const names: DockerName[] = [];
    for (const resource of docker) {
      const name = textOf(resource.inputs.name);
      if (resource.type === "docker:index/container:Container" && name !== undefined) {
        names.push({ kind: "container", name });
        for (const entry of (plain(resource.inputs.ports) ?? []) as Record<string, unknown>[]) {
          const port = plain(entry.external);
          if (typeof port !== "number") continue;
          const ip = textOf(entry.ip) ?? "0.0.0.0";
          ports.push({
            port,
            ip,
            protocol: textOf(entry.protocol) ?? "tcp",
            container: name,
            setting: portSetting(plain(entry.internal) as number, ip),
          });
        }
      } else if (resource.type === "docker:index/volume:Volume" && name !== undefined) {
        names.push({ kind: "volume", name });
      } else if (resource.type === "docker:index/network:Network" && name !== undefined) {
        names.push({ kind: "network", name });
      }
    }
    const context = providerConfig["docker:context"];
    const host = providerConfig["docker:host"];
    footprint.docker = {
      ...(context !== undefined ? { host: { context } } : {}),
      ...(context === undefined && host !== undefined ? { host: { host } } : {}),
      ports,
      names,
    };
  }
  const provider = resources.find((r) => r.type === KUBERNETES_PROVIDER);
  const objects: KubernetesObject[] = [];
  for (const resource of resources) {
    if (!resource.type.startsWith("kubernetes:")) continue;
    if (resource.type === HELM_RELEASE) {
      const name = textOf(resource.inputs.name);
      if (name !== undefined)
        objects.push({ kind: "Helm release", namespace: textOf(resource.inputs.namespace), name });
      continue;
    }
    // A Patch (pulumi-kubernetes `<Kind>Patch`) creates nothing: it changes an object another
    // resource made, here a StatefulSet of the dependencies release, which that release stands for.
    if (resource.type.endsWith("Patch")) continue;
    const metadata = (plain(resource.inputs.metadata) ?? {}) as Record<string, unknown>;
    const name = textOf(metadata.name);
    if (name === undefined) continue;
    const kind = resource.type.slice(resource.type.lastIndexOf(":") + 1);
    const namespace = textOf(metadata.namespace);
    objects.push({ kind, ...(namespace !== undefined ? { namespace } : {}), name });
  }
  if (provider !== undefined || objects.length > 0) {
    const context = textOf(provider?.inputs.context);
    const kubeconfig = textOf(provider?.inputs.kubeconfig);
    footprint.kubernetes = {
      ...(context !== undefined ? { context } : {}),
      ...(kubeconfig !== undefined ? { kubeconfig } : {}),
      objects,
    };
  }
  return footprint;
}

const quote = (text: string) => JSON.stringify(text);

/** "a", "a and b", "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1
    ? items.join("")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function dockerHostOf(footprint: Footprint): string {
  const host = footprint.docker?.host;
  if (host?.context !== undefined) return `the Docker context ${quote(host.context)}`;
  if (host?.host !== undefined) return `the Docker host ${quote(host.host)}`;
  return "the default Docker host (neither sets docker:host, so both use DOCKER_HOST or the local socket)";
}

function sameDockerHost(a: Footprint, b: Footprint): boolean {
  const x = a.docker!.host;
  const y = b.docker!.host;
  return x?.context === y?.context && x?.host === y?.host;
}

/** Two bindings of one port clash unless both name distinct addresses. */
function overlaps(x: PublishedPort, y: PublishedPort): boolean {
  const any = (ip: string) => ip === "0.0.0.0" || ip === "::" || ip === "";
  return (
    x.port === y.port && x.protocol === y.protocol && (x.ip === y.ip || any(x.ip) || any(y.ip))
  );
}

/** A free host port to suggest for a stack's clashing port. */
type Suggest = (stack: Footprint, port: PublishedPort) => number;

function dockerCollision(a: Footprint, b: Footprint, suggest: Suggest): string | undefined {
  const clauses: string[] = [];
  const clashes: PublishedPort[] = [];
  for (const theirs of b.docker!.ports) {
    const ours = a.docker!.ports.filter((port) => overlaps(port, theirs));
    if (ours.length === 0) continue;
    clashes.push(theirs);
    const bindings = [
      ...ours.map((port) => `container ${quote(port.container)} of stack ${a.stack} on ${port.ip}`),
      `container ${quote(theirs.container)} of stack ${b.stack} on ${theirs.ip}`,
    ];
    clauses.push(
      `host port ${theirs.port}${theirs.protocol === "tcp" ? "" : `/${theirs.protocol}`} (${list(bindings)})`,
    );
  }
  const names = b.docker!.names.filter((name) =>
    a.docker!.names.some((other) => other.kind === name.kind && other.name === name.name),
  );
  if (clauses.length === 0 && names.length === 0) return undefined;
  const found: string[] = [];
  if (clauses.length > 0) found.push(`both publish ${list(clauses)}`);
  if (names.length > 0)
    found.push(`both name ${list(names.map((name) => `the ${name.kind} ${quote(name.name)}`))}`);
  const fixes: string[] = [];
  if (clashes.length > 0) {
    const settings = clashes.map((port) => `${port.setting} to ${suggest(b, port)}`);
    fixes.push(
      `Give ${b.file} host ports of its own: set ${list(settings)} (free on that host), or deploy it to another Docker host (docker:host)`,
    );
  }
  if (names.length > 0) {
    fixes.push(
      `Rename stack ${b.stack} (pulumi stack rename <name>): every container, volume and network is named after the stack`,
    );
  }
  return `${a.file} and ${b.file} would collide on ${dockerHostOf(a)}: ${found.join(", and ")}. ${fixes.join(". ")}.`;
}

function clusterOf(footprint: Footprint): string {
  const k8s = footprint.kubernetes!;
  const context =
    k8s.context !== undefined
      ? `the Kubernetes context ${quote(k8s.context)}`
      : "the current Kubernetes context";
  const kubeconfig =
    k8s.kubeconfig === undefined
      ? "the default kubeconfig (KUBECONFIG, or ~/.kube/config)"
      : k8s.kubeconfig.includes("\n")
        ? "the same kubeconfig given inline"
        : `the kubeconfig ${quote(k8s.kubeconfig)}`;
  return `${context} of ${kubeconfig}`;
}

/** A DNS label for a suggested namespace: `<namespace>-<stack>`, at most 63 characters. */
function namespaceFor(namespace: string, stack: string): string {
  return `${namespace}-${stack}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/-+$/, "");
}

function kubernetesCollision(a: Footprint, b: Footprint): string | undefined {
  const shared = b.kubernetes!.objects.filter((object) =>
    a.kubernetes!.objects.some(
      (other) =>
        other.kind === object.kind &&
        other.namespace === object.namespace &&
        other.name === object.name,
    ),
  );
  if (shared.length === 0) return undefined;
  const clauses: string[] = [];
  const namespaces = [
    ...new Set(shared.flatMap((o) => (o.namespace === undefined ? [] : [o.namespace]))),
  ].sort();
  for (const namespace of namespaces) {
    const inside = shared.filter((object) => object.namespace === namespace);
    const releases = inside.filter((object) => object.kind === "Helm release");
    const others = inside.filter((object) => object.kind !== "Helm release");
    const parts: string[] = [];
    if (releases.length > 0)
      parts.push(
        `both install the Helm release${releases.length === 1 ? "" : "s"} ${list(releases.map((r) => quote(r.name)))}`,
      );
    if (others.length > 0)
      parts.push(`both create ${list(others.map((o) => `the ${o.kind} ${quote(o.name)}`))}`);
    clauses.push(`in namespace ${quote(namespace)} ${parts.join(" and ")}`);
  }
  const cluster = shared.filter((object) => object.namespace === undefined);
  if (cluster.length > 0)
    clauses.push(`both create ${list(cluster.map((o) => `the ${o.kind} ${quote(o.name)}`))}`);
  const namespace =
    namespaces[0] ?? shared.find((o) => o.kind === "Namespace")?.name ?? "openmetadata";
  return `${a.file} and ${b.file} would collide on ${clusterOf(a)}: ${clauses.join(", and ")}. The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give ${b.file} a namespace of its own (openmetadata-sso:kubernetes.namespace, for example ${quote(namespaceFor(namespace, b.stack))}), or the context of another cluster (openmetadata-sso:kubernetes.context).`;
}

function sameCluster(a: Footprint, b: Footprint): boolean {
  return (
    a.kubernetes!.context === b.kubernetes!.context &&
    a.kubernetes!.kubeconfig === b.kubernetes!.kubeconfig
  );
}

/**
 * Every pair of stacks that would collide, one message per pair and target, naming both stack
 * files, what they share and the fix for the later stack (by name). Empty when none collide.
 */
export function collisions(footprints: readonly Footprint[]): string[] {
  const sorted = [...footprints].sort((x, y) =>
    x.stack < y.stack ? -1 : x.stack > y.stack ? 1 : 0,
  );
  const messages: string[] = [];
  // Suggested ports: above the clashing one, used by no stack on its host and suggested once, so
  // that no two fixes suggest the same port and a stack that clashes with several gets one fix.
  const taken = new Map<Footprint, Set<number>>();
  const suggested = new Map<PublishedPort, number>();
  const suggest: Suggest = (stack, port) => {
    const known = suggested.get(port);
    if (known !== undefined) return known;
    const host = [...taken.keys()].find((other) => sameDockerHost(stack, other));
    let used = host === undefined ? undefined : taken.get(host);
    if (used === undefined) {
      used = new Set(
        sorted
          .filter((other) => other.docker && sameDockerHost(stack, other))
          .flatMap((other) => other.docker!.ports.map((published) => published.port)),
      );
      taken.set(stack, used);
    }
    let free = port.port + 1;
    while (used.has(free) && free < 65535) free += 1;
    used.add(free);
    suggested.set(port, free);
    return free;
  };
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const [a, b] = [sorted[i], sorted[j]];
      if (a.docker && b.docker && sameDockerHost(a, b)) {
        const message = dockerCollision(a, b, suggest);
        if (message !== undefined) messages.push(message);
      }
      if (a.kubernetes && b.kubernetes && sameCluster(a, b)) {
        const message = kubernetesCollision(a, b);
        if (message !== undefined) messages.push(message);
      }
    }
  }
  return messages;
}
