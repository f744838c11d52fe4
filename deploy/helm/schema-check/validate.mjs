// Strict validation of rendered Kubernetes manifests, run by the chart tests (HelmChartsTest).
// Usage: node validate.mjs <documents.json>   (a JSON array of manifests)
// Prints one line per problem and exits 1 if there is any.
//
// kubernetes-models' validators check types, enums and required fields, but (like the API server's
// lenient decoding) let unknown fields through, so a misspelt key would pass. We therefore also walk
// every document along the models' TypeScript interfaces (.d.ts, generated from the same OpenAPI
// schemas) and report every field that the interface does not declare.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const modules = path.join(here, "node_modules");

// apiVersion group → the npm package whose models cover it.
const PACKAGES = {
  "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

// Custom resources without a published model: the fields the chart may use, checked by hand.
// Strimzi KafkaTopic (kafka.strimzi.io/v1beta2): spec.{topicName, partitions, replicas, config}.
const CUSTOM = {
  "kafka.strimzi.io/v1beta2/KafkaTopic": (doc, problems, where) => {
    strictKeys(doc, ["apiVersion", "kind", "metadata", "spec"], where, problems);
    strictKeys(doc.spec ?? {}, ["topicName", "partitions", "replicas", "config"], where + "/spec", problems);
    if (!Number.isInteger(doc.spec?.partitions)) problems.push(`${where}/spec/partitions: not an integer`);
    if (!Number.isInteger(doc.spec?.replicas)) problems.push(`${where}/spec/replicas: not an integer`);
    if (!doc.metadata?.labels?.["strimzi.io/cluster"]) problems.push(`${where}/metadata/labels: no strimzi.io/cluster`);
    if (doc.metadata) walk(doc.metadata, interfaceOf(dts("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta")), where + "/metadata", problems);
  },
};

function strictKeys(object, allowed, where, problems) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) problems.push(`${where}/${key}: unknown field`);
  }
}

function dts(specifier, fromFile) {
  let file;
  if (specifier.startsWith(".")) {
    file = path.resolve(path.dirname(fromFile), specifier.replace(/\.js$/, ""));
  } else {
    file = path.join(modules, specifier.replace(/\.js$/, ""));
  }
  return file + ".d.ts";
}

const cache = new Map();

/** The model class of a .d.ts (it lists inherited fields too, unlike the interface): its fields, each {type, map, array} with a resolved interface file or null. */
function interfaceOf(file) {
  if (cache.has(file)) return cache.get(file);
  const text = fs.readFileSync(file, "utf8");
  const imports = new Map();
  for (const m of text.matchAll(/import \{ ([^}]+) \} from "([^"]+)";/g)) {
    for (const name of m[1].split(",").map((s) => s.trim())) imports.set(name, dts(m[2], file));
  }
  const start = text.indexOf("export declare class ");
  if (start < 0) {
    cache.set(file, null);
    return null;
  }
  const lines = text.slice(start).split("\n");
  const fields = new Map();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === "}") break;
    const m = line.match(/^ {4}"([^"]+)"\??: (.*)$/);
    if (!m) continue;
    let type = m[2];
    let map = false;
    if (type === "{") {
      // A map: {[key: string]: T;} over the next lines.
      const value = lines[i + 1].match(/\[key: string\]: (.*);$/);
      type = value ? value[1] : "unknown";
      map = true;
    } else {
      type = type.replace(/;$/, "");
    }
    let array = false;
    while (type.startsWith("Array<") && type.endsWith(">")) {
      type = type.slice(6, -1);
      array = true;
    }
    const target = imports.has(type) ? imports.get(type) : null;
    fields.set(m[1], { target, map, array });
  }
  const result = { fields };
  cache.set(file, result);
  return result;
}

function walk(value, shape, where, problems) {
  if (!shape || value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const field = shape.fields.get(key);
    if (!field) {
      problems.push(`${where}/${key}: unknown field`);
      continue;
    }
    if (!field.target) continue;
    const inner = interfaceOf(field.target);
    if (!inner) continue;
    const visit = (v, w) => (field.array && Array.isArray(v) ? v.forEach((e, i) => walk(e, inner, `${w}/${i}`, problems)) : walk(v, inner, w, problems));
    if (field.map && child && typeof child === "object") {
      for (const [k, v] of Object.entries(child)) visit(v, `${where}/${key}/${k}`);
    } else {
      visit(child, `${where}/${key}`);
    }
  }
}

async function validate(doc, index, problems) {
  const where = `#${index} ${doc?.kind ?? "?"}/${doc?.metadata?.name ?? "?"}`;
  if (!doc || typeof doc.apiVersion !== "string" || typeof doc.kind !== "string") {
    problems.push(`${where}: no apiVersion/kind`);
    return;
  }
  const custom = CUSTOM[`${doc.apiVersion}/${doc.kind}`];
  if (custom) {
    custom(doc, problems, where);
    return;
  }
  const slash = doc.apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : doc.apiVersion.slice(0, slash);
  const pkg = PACKAGES[group] ?? "kubernetes-models";
  const specifier = `${pkg}/${doc.apiVersion}/${doc.kind}`;
  const file = path.join(modules, specifier + ".js");
  if (!fs.existsSync(file)) {
    problems.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
    return;
  }
  const module = await import(file);
  const Model = module[doc.kind];
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}`);
  }
  walk(doc, interfaceOf(path.join(modules, specifier + ".d.ts")), where, problems);
}

const documents = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const problems = [];
for (let i = 0; i < documents.length; i++) await validate(documents[i], i, problems);
for (const p of problems) console.log(p);
console.log(`validated ${documents.length} documents, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
