/**
 * This package's dynamic providers (OneLogin, RFC 7591 registration) and their serialized form.
 *
 * A Pulumi dynamic resource carries its provider's code in its `__provider` input, produced by
 * serializing the provider's closure. `pulumi.dynamic.Resource` does that at every evaluation,
 * which costs about 0.3 s (a V8 inspector session), whatever the closure's size. `npm run build`
 * serializes each provider once, exactly as `pulumi.dynamic.Resource` would, and writes the text
 * next to the built module; {@link providerSource} uses it and falls back to serializing when the
 * program runs from its TypeScript sources.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** A dynamic provider of this package, by the name its serialized file carries. */
export interface NamedProvider {
  name: string;
  provider: pulumi.dynamic.ResourceProvider;
}

/** Where the build writes a provider's serialized text: next to the built module. */
export function serializedProviderFile(name: string, directory = __dirname): string {
  return path.join(directory, `${name}.provider.json`);
}

/** Serializes a provider as `pulumi.dynamic.Resource` does: the text, and whether it holds secrets. */
export async function serializeProvider(
  provider: pulumi.dynamic.ResourceProvider,
): Promise<{ text: string; containsSecrets: boolean }> {
  const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, {
    allowSecrets: true,
  });
  return { text, containsSecrets };
}

/**
 * The `__provider` input of a dynamic resource: the text `npm run build` serialized, or the
 * provider serialized now when there is none (a secret when the closure holds one).
 */
export function providerSource(
  { name, provider }: NamedProvider,
  directory = __dirname,
): pulumi.Input<string> {
  const file = serializedProviderFile(name, directory);
  if (fs.existsSync(file)) {
    const prebuilt = JSON.parse(fs.readFileSync(file, "utf8")) as { text: string };
    return prebuilt.text;
  }
  return pulumi
    .output(serializeProvider(provider))
    .apply(({ text, containsSecrets }) =>
      containsSecrets ? pulumi.secret(text) : pulumi.output(text),
    );
}

/** The type token `pulumi.dynamic.Resource` gives a dynamic resource of this package. */
export function dynamicType(type: string): string {
  return `pulumi-nodejs:dynamic/openmetadata-sso:${type}`;
}
