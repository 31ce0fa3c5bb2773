// The last step of `npm run build`: serializes each dynamic provider of the built package once,
// exactly as pulumi.dynamic.Resource would at every evaluation, and writes the text next to the
// built module (see components/identity/dynamic.ts). Runs on dist/ with plain Node, so the text is
// what the program itself would produce.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const identity = join(import.meta.dirname, "..", "dist", "components", "identity");
const { serializeProvider, serializedProviderFile } = require(join(identity, "dynamic.js"));

const providers = {
  onelogin: require(join(identity, "onelogin.js")).oneLoginProvider,
  registration: require(join(identity, "registration.js")).registrationProvider,
};

for (const [name, provider] of Object.entries(providers)) {
  const { text, containsSecrets } = await serializeProvider(provider);
  if (containsSecrets) {
    throw new Error(
      `The serialized ${name} provider captured a secret; providers must take secrets as inputs.`,
    );
  }
  writeFileSync(serializedProviderFile(name, identity), JSON.stringify({ text }));
  console.log(`serialized the ${name} provider (${text.length} characters)`);
}
process.exit(0);
