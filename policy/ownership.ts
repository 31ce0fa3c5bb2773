/**
 * Which `OpenMetadataSso` component a resource belongs to, and so which environment it is for.
 *
 * A policy sees one resource at a time. The component passes its non-secret settings
 * (`environment`, `publicUrl`, `admins`, `principalDomain`, `target`, `version`) as its own inputs,
 * and the engine analyzes every resource, components included, in registration order: a
 * component is analyzed before any of its children can be registered. So the pack remembers each
 * component's inputs and each resource's parent as it sees them, and a child finds its component
 * by walking up its parents.
 *
 * Production is the component's `environment` input, which defaults to `production`. A resource
 * that belongs to no `OpenMetadataSso` component, or to one without an `environment` input, is
 * treated as production: the strict reading wins when the pack cannot tell.
 */
import { ifKnown, strings } from "./props";

/** Type token of the top-level component. */
export const COMPONENT_TYPE = "openmetadata-sso:index:OpenMetadataSso";

/** The environment a resource is treated as when nothing says otherwise. */
export const DEFAULT_ENVIRONMENT = "production";

/** What the pack knows about one `OpenMetadataSso` component, from its inputs. */
export interface ComponentFacts {
  urn: string;
  name: string;
  environment: string;
  publicUrl?: string;
  admins?: string[];
  principalDomain?: string;
  target?: string;
  version?: string;
  /** `false` when the stack config turned the key pair's protection off (`keys.protect`). */
  keyPairProtected?: boolean;
}

/** The part of a policy's arguments ownership needs. */
export interface Observed {
  urn: string;
  type: string;
  name: string;
  props: Record<string, unknown>;
  opts: { parent?: string };
}

/** Type tokens in a URN, outermost parent first, the resource's own type last. */
export function typeChain(urn: string): string[] {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[2].split("$") : [];
}

/** Remembers components and parents across the resources of one run. */
export class Ownership {
  private readonly parents = new Map<string, string | undefined>();
  private readonly components = new Map<string, ComponentFacts>();

  /** Records a resource: its parent, and its inputs if it is an `OpenMetadataSso` component. */
  observe(resource: Observed): void {
    if (this.parents.has(resource.urn)) return;
    this.parents.set(resource.urn, resource.opts.parent || undefined);
    if (resource.type !== COMPONENT_TYPE) return;
    const text = (key: string) => {
      const value = ifKnown(() => resource.props[key]);
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const admins = ifKnown(() => resource.props.admins);
    this.components.set(resource.urn, {
      urn: resource.urn,
      name: resource.name,
      environment: text("environment") ?? DEFAULT_ENVIRONMENT,
      publicUrl: text("publicUrl"),
      admins: Array.isArray(admins) ? strings(admins) : undefined,
      principalDomain: text("principalDomain"),
      target: text("target"),
      version: text("version"),
      keyPairProtected:
        ifKnown(() => resource.props.keyPairProtected) === false ? false : undefined,
    });
  }

  /** The component a resource belongs to (itself, for the component), if any. */
  componentOf(resource: Observed): ComponentFacts | undefined {
    const own = this.components.get(resource.urn);
    if (own) return own;
    // Walk the parents the engine named (current engines send the parent with every resource).
    let current = resource.opts.parent || this.parents.get(resource.urn);
    const seen = new Set<string>();
    while (current && !seen.has(current)) {
      seen.add(current);
      const component = this.components.get(current);
      if (component) return component;
      current = this.parents.get(current);
    }
    if (resource.opts.parent) return undefined;
    // Older engines send no parent: the URN still lists the parents' types, and every child
    // name starts with its component's name (`${name}-suffix`).
    if (!typeChain(resource.urn).slice(0, -1).includes(COMPONENT_TYPE)) return undefined;
    const candidates = [...this.components.values()]
      .filter((c) => resource.name.startsWith(`${c.name}-`))
      .sort((a, b) => b.name.length - a.name.length);
    return candidates[0];
  }

  /** The environment of the component a resource belongs to; production when unknown. */
  environmentOf(resource: Observed): string {
    return this.componentOf(resource)?.environment ?? DEFAULT_ENVIRONMENT;
  }

  /** Forgets everything (tests evaluate several programs in one process). */
  reset(): void {
    this.parents.clear();
    this.components.clear();
  }
}

/** The pack's memory for the run: one policy-pack process serves one `pulumi` operation. */
export const ownership = new Ownership();
