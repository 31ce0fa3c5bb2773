/**
 * Stacks that would collide (scripts/collisions.ts): the pure check over footprints, with exact
 * messages; then the footprints the real program gives the shipped stacks, read from their
 * evaluation under the mock runtime, and the proof that the shipped stacks do not collide while a
 * copy of prod does.
 */
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { collisions, footprintOf, type Footprint, type PublishedPort } from "../scripts/collisions";
import { evaluate, PROJECT_ROOT, readStackFile, stackNames } from "../scripts/offline";

const port = (
  container: string,
  number: number,
  ip: string,
  setting: string,
  protocol = "tcp",
): PublishedPort => ({ port: number, ip, protocol, container, setting });

/** A Docker stack that publishes the server's two ports, as the shipped `local` does. */
function dockerStack(
  stack: string,
  ports?: PublishedPort[],
  host?: Footprint["docker"],
): Footprint {
  const server = `openmetadata-${stack}-server`;
  return {
    stack,
    file: `stacks/Pulumi.${stack}.yaml`,
    docker: {
      ...host,
      ports: ports ?? [
        port(server, 8585, "0.0.0.0", "the port of openmetadata-sso:publicUrl"),
        port(server, 8586, "127.0.0.1", "openmetadata-sso:docker.adminPort"),
      ],
      names: host?.names ?? [
        { kind: "container", name: server },
        { kind: "network", name: `openmetadata-${stack}-network` },
      ],
    },
  };
}

/** A Kubernetes stack with the chart's releases, as the shipped `prod` has them. */
function kubernetesStack(
  stack: string,
  cluster: { context?: string; kubeconfig?: string },
  namespace = "openmetadata",
): Footprint {
  return {
    stack,
    file: `stacks/Pulumi.${stack}.yaml`,
    kubernetes: {
      ...cluster,
      objects: [
        { kind: "Namespace", name: namespace },
        { kind: "Secret", namespace, name: `openmetadata-${stack}-k8s-fernet` },
        { kind: "Helm release", namespace, name: "openmetadata-dependencies" },
        { kind: "Helm release", namespace, name: "openmetadata" },
      ],
    },
  };
}

const PROD_COPY =
  'stacks/Pulumi.prod.yaml and stacks/Pulumi.prod-copy.yaml would collide on the Kubernetes context "prod" of the default kubeconfig (KUBECONFIG, or ~/.kube/config): in namespace "openmetadata" both install the Helm releases "openmetadata-dependencies" and "openmetadata", and both create the Namespace "openmetadata". The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give stacks/Pulumi.prod-copy.yaml a namespace of its own (openmetadata-sso:kubernetes.namespace, for example "openmetadata-prod-copy"), or the context of another cluster (openmetadata-sso:kubernetes.context).';

describe("collisions on Kubernetes", () => {
  it("refuses two stacks with the same context, kubeconfig and namespace, naming both files, what they share and the fix", () => {
    expect(
      collisions([
        kubernetesStack("prod-copy", { context: "prod" }),
        kubernetesStack("prod", { context: "prod" }),
      ]),
    ).toEqual([PROD_COPY]);
  });

  it("lets the same namespace be used on another context, or under another kubeconfig", () => {
    expect(
      collisions([
        kubernetesStack("prod", { context: "prod" }),
        kubernetesStack("eu", { context: "prod-eu" }),
        kubernetesStack("other", { context: "prod", kubeconfig: "/etc/kube/other.yaml" }),
      ]),
    ).toEqual([]);
  });

  it("lets two stacks share a cluster in namespaces of their own", () => {
    expect(
      collisions([
        kubernetesStack("prod", { context: "prod" }),
        kubernetesStack("prod-copy", { context: "prod" }, "openmetadata-prod-copy"),
      ]),
    ).toEqual([]);
  });

  it("names the current context, a kubeconfig path and an inline kubeconfig as they are", () => {
    const inline = "apiVersion: v1\nkind: Config\n";
    const namespaced = (stack: string, cluster: { context?: string; kubeconfig?: string }) => ({
      ...kubernetesStack(stack, cluster),
      kubernetes: {
        ...cluster,
        objects: [{ kind: "Helm release", namespace: "om", name: "openmetadata" }],
      },
    });
    expect(
      collisions([
        namespaced("a", {}),
        namespaced("b", {}),
        namespaced("c", { kubeconfig: "/etc/kube/config" }),
        namespaced("d", { kubeconfig: "/etc/kube/config" }),
        namespaced("e", { context: "x", kubeconfig: inline }),
        namespaced("f", { context: "x", kubeconfig: inline }),
      ]),
    ).toEqual([
      'stacks/Pulumi.a.yaml and stacks/Pulumi.b.yaml would collide on the current Kubernetes context of the default kubeconfig (KUBECONFIG, or ~/.kube/config): in namespace "om" both install the Helm release "openmetadata". The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give stacks/Pulumi.b.yaml a namespace of its own (openmetadata-sso:kubernetes.namespace, for example "om-b"), or the context of another cluster (openmetadata-sso:kubernetes.context).',
      'stacks/Pulumi.c.yaml and stacks/Pulumi.d.yaml would collide on the current Kubernetes context of the kubeconfig "/etc/kube/config": in namespace "om" both install the Helm release "openmetadata". The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give stacks/Pulumi.d.yaml a namespace of its own (openmetadata-sso:kubernetes.namespace, for example "om-d"), or the context of another cluster (openmetadata-sso:kubernetes.context).',
      'stacks/Pulumi.e.yaml and stacks/Pulumi.f.yaml would collide on the Kubernetes context "x" of the same kubeconfig given inline: in namespace "om" both install the Helm release "openmetadata". The charts name their Services after fixed names, so one OpenMetadata runs per namespace. Give stacks/Pulumi.f.yaml a namespace of its own (openmetadata-sso:kubernetes.namespace, for example "om-f"), or the context of another cluster (openmetadata-sso:kubernetes.context).',
    ]);
  });
});

describe("collisions on Docker", () => {
  it("refuses two stacks that publish the same host ports on the default host, and suggests free ones", () => {
    expect(collisions([dockerStack("onelogin"), dockerStack("local")])).toEqual([
      'stacks/Pulumi.local.yaml and stacks/Pulumi.onelogin.yaml would collide on the default Docker host (neither sets docker:host, so both use DOCKER_HOST or the local socket): both publish host port 8585 (container "openmetadata-local-server" of stack local on 0.0.0.0 and container "openmetadata-onelogin-server" of stack onelogin on 0.0.0.0) and host port 8586 (container "openmetadata-local-server" of stack local on 127.0.0.1 and container "openmetadata-onelogin-server" of stack onelogin on 127.0.0.1). Give stacks/Pulumi.onelogin.yaml host ports of its own: set the port of openmetadata-sso:publicUrl to 8587 and openmetadata-sso:docker.adminPort to 8588 (free on that host), or deploy it to another Docker host (docker:host).',
    ]);
  });

  it("suggests each free port once, across every pair on one host", () => {
    const fix = (stack: string, http: number, admin: number) =>
      `Give stacks/Pulumi.${stack}.yaml host ports of its own: set the port of openmetadata-sso:publicUrl to ${http} and openmetadata-sso:docker.adminPort to ${admin} (free on that host), or deploy it to another Docker host (docker:host).`;
    expect(
      collisions([dockerStack("a"), dockerStack("b"), dockerStack("c")]).map((message) =>
        message.slice(message.indexOf("Give ")),
      ),
    ).toEqual([fix("b", 8587, 8588), fix("c", 8589, 8590), fix("c", 8589, 8590)]);
  });

  it("tells bindings apart by address and protocol: 0.0.0.0 takes the port on every address", () => {
    const a = dockerStack("a", [
      port("a-server", 8585, "127.0.0.1", "openmetadata-sso:docker.httpPort"),
      port("a-dns", 53, "0.0.0.0", "a DNS port", "udp"),
    ]);
    const b = dockerStack("b", [
      port("b-server", 8585, "127.0.0.2", "openmetadata-sso:docker.httpPort"),
      port("b-dns", 53, "0.0.0.0", "a DNS port", "tcp"),
    ]);
    const c = dockerStack("c", [
      port("c-proxy", 53, "10.0.0.1", "openmetadata-sso:docker.tls.httpsPort", "udp"),
    ]);
    expect(collisions([a, b])).toEqual([]);
    expect(collisions([a, c])).toEqual([
      'stacks/Pulumi.a.yaml and stacks/Pulumi.c.yaml would collide on the default Docker host (neither sets docker:host, so both use DOCKER_HOST or the local socket): both publish host port 53/udp (container "a-dns" of stack a on 0.0.0.0 and container "c-proxy" of stack c on 10.0.0.1). Give stacks/Pulumi.c.yaml host ports of its own: set openmetadata-sso:docker.tls.httpsPort to 54 (free on that host), or deploy it to another Docker host (docker:host).',
    ]);
  });

  it("refuses containers, volumes and networks of the same name on one host", () => {
    const names: NonNullable<Footprint["docker"]>["names"] = [
      { kind: "container", name: "om-server" },
      { kind: "volume", name: "om-mysql-data" },
      { kind: "network", name: "om-network" },
    ];
    const host = { host: { host: "ssh://deploy@docker.example.com" }, ports: [], names };
    expect(collisions([dockerStack("a", [], host), dockerStack("b", [], host)])).toEqual([
      'stacks/Pulumi.a.yaml and stacks/Pulumi.b.yaml would collide on the Docker host "ssh://deploy@docker.example.com": both name the container "om-server", the volume "om-mysql-data" and the network "om-network". Rename stack b (pulumi stack rename <name>): every container, volume and network is named after the stack.',
    ]);
  });

  it("lets stacks on different Docker hosts or contexts use the same ports and names", () => {
    const on = (stack: string, host?: { host?: string; context?: string }) => ({
      ...dockerStack(stack),
      docker: { ...dockerStack("same").docker!, ...(host ? { host } : {}) },
    });
    expect(
      collisions([
        on("a"),
        on("b", { host: "ssh://deploy@one.example.com" }),
        on("c", { host: "ssh://deploy@two.example.com" }),
        on("d", { context: "remote" }),
      ]),
    ).toEqual([]);
    expect(collisions([on("d", { context: "remote" }), on("e", { context: "remote" })])).toEqual([
      'stacks/Pulumi.d.yaml and stacks/Pulumi.e.yaml would collide on the Docker context "remote": both publish host port 8585 (container "openmetadata-same-server" of stack d on 0.0.0.0 and container "openmetadata-same-server" of stack e on 0.0.0.0) and host port 8586 (container "openmetadata-same-server" of stack d on 127.0.0.1 and container "openmetadata-same-server" of stack e on 127.0.0.1), and both name the container "openmetadata-same-server" and the network "openmetadata-same-network". Give stacks/Pulumi.e.yaml host ports of its own: set the port of openmetadata-sso:publicUrl to 8587 and openmetadata-sso:docker.adminPort to 8588 (free on that host), or deploy it to another Docker host (docker:host). Rename stack e (pulumi stack rename <name>): every container, volume and network is named after the stack.',
    ]);
  });

  it("never compares a Docker stack with a Kubernetes one", () => {
    expect(collisions([dockerStack("a"), kubernetesStack("b", {})])).toEqual([]);
  });
});

/** Evaluates a stack file of stacks/ (or `file`) under the mock runtime, as `stack`. */
async function footprint(stack: string, file?: string): Promise<Footprint> {
  const config = readStackFile(stack, undefined, file);
  vi.resetModules();
  const { resources } = await evaluate(config, stack, {
    realKeys: false,
    load: () => import("../index.js"),
  });
  return footprintOf(stack, `stacks/Pulumi.${stack}.yaml`, resources, config.values);
}

const named = (kind: "container" | "volume" | "network", prefix: string, roles: string[]) =>
  roles.map((role) => ({ kind, name: `${prefix}-${role}` }));

describe("the footprints of the program's stacks", () => {
  it("reads the ports, names and settings the Docker target really publishes", async () => {
    const server = "openmetadata-local-server";
    expect((await footprint("local")).docker).toEqual({
      ports: [
        port(
          "openmetadata-local-keycloak",
          8081,
          "0.0.0.0",
          "openmetadata-sso:identity.localKeycloak.port",
        ),
        port(server, 8585, "0.0.0.0", "the port of openmetadata-sso:publicUrl"),
        port(server, 8586, "127.0.0.1", "openmetadata-sso:docker.adminPort"),
      ],
      names: [
        { kind: "network", name: "openmetadata-local-network" },
        { kind: "container", name: "openmetadata-local-keycloak" },
        { kind: "volume", name: "openmetadata-local-db-data" },
        { kind: "container", name: "openmetadata-local-mysql" },
        { kind: "volume", name: "openmetadata-local-search-data" },
        ...named("container", "openmetadata-local", [
          "elasticsearch",
          "migrate",
          "server",
          "verify",
        ]),
      ],
    });
    const onelogin = (await footprint("onelogin")).docker!;
    expect(onelogin.ports).toEqual([
      port("openmetadata-onelogin-server", 8587, "127.0.0.1", "openmetadata-sso:docker.httpPort"),
      port("openmetadata-onelogin-server", 8588, "127.0.0.1", "openmetadata-sso:docker.adminPort"),
      port("openmetadata-onelogin-proxy", 443, "0.0.0.0", "openmetadata-sso:docker.tls.httpsPort"),
    ]);
    expect(onelogin.host).toBeUndefined();
    expect((await footprint("dev")).docker!.host).toEqual({
      host: "ssh://deploy@openmetadata.dev.example.com",
    });
  });

  it("reads the context, namespace and releases the Kubernetes target really installs", async () => {
    const inside = (kind: string, name: string) => ({ kind, namespace: "openmetadata", name });
    expect((await footprint("prod")).kubernetes).toEqual({
      context: "prod",
      objects: [
        { kind: "Namespace", name: "openmetadata" },
        inside("ConfigMap", "openmetadata-prod-k8s-data-marker"),
        ...["database", "fernet", "oidc", "jwt-private-key"].map((role) =>
          inside("Secret", `openmetadata-prod-k8s-${role}`),
        ),
        inside("ConfigMap", "openmetadata-prod-k8s-jwt-public-key"),
        inside("ConfigMap", "openmetadata-prod-k8s-mysql-init"),
        inside("Helm release", "openmetadata-dependencies"),
        inside("ConfigMap", "openmetadata-prod-k8s-server-env"),
        inside("Job", "openmetadata-prod-k8s-migrate-a38a1050d4"),
        inside("Helm release", "openmetadata"),
        inside("ConfigMap", "openmetadata-prod-k8s-verify"),
        inside("Job", expect.stringMatching(/^openmetadata-prod-k8s-verify-[0-9a-f]{12}$/)),
      ],
    });
  });

  it("gives the shipped stacks no collision, and refuses a copy of prod with its context and namespace", async () => {
    const shipped: Footprint[] = [];
    // One program at a time: the Pulumi runtime holds one.
    for (const stack of stackNames()) shipped.push(await footprint(stack));
    expect(collisions(shipped)).toEqual([]);
    const copy = await footprint(
      "prod-copy",
      path.join(PROJECT_ROOT, "stacks", "Pulumi.prod.yaml"),
    );
    expect(collisions([...shipped, copy])).toEqual([PROD_COPY]);
  });
});
