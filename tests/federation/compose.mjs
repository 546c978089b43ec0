// Compose the hub's subgraph with the court fixture using @theguild/federation-composition.
//
//   node compose.mjs NAME=SDL_FILE=URL ...   (at least two subgraphs)
//
// Prints the supergraph SDL on stdout and exits 0; on composition errors prints one error a
// line on stderr (code: message) and exits 1; exit 2 on usage errors.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: node compose.mjs NAME=SDL_FILE=URL NAME=SDL_FILE=URL ...");
  process.exit(2);
}
const services = args.map((arg) => {
  const [name, file, ...url] = arg.split("=");
  if (!name || !file || url.length === 0) {
    console.error(`compose.mjs: bad subgraph argument ${JSON.stringify(arg)}`);
    process.exit(2);
  }
  return { name, url: url.join("="), typeDefs: parse(readFileSync(file, "utf8")) };
});
const result = composeServices(services);
if (compositionHasErrors(result)) {
  for (const error of result.errors) {
    console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  }
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
