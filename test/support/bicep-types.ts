// Reads Azure resource type definitions as Bicep has them (package Azure.Bicep.Types.Az, extracted
// into .bicep-types by scripts/install-bicep-types.sh): the values a property's type allows.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

type TypeNode = { $type: string; [key: string]: unknown };
type Ref = { $ref: string };

export class BicepTypes {
  private readonly files = new Map<string, TypeNode[]>();
  private readonly index: Record<string, Ref>;

  constructor(private readonly dir: string) {
    const indexPath = join(dir, "index.json");
    if (!existsSync(indexPath))
      throw new Error(`${indexPath} is missing: run bash scripts/install-bicep-types.sh (needs the .NET SDK)`);
    this.index = (JSON.parse(readFileSync(indexPath, "utf8")) as { resources: Record<string, Ref> }).resources;
  }

  private file(path: string): TypeNode[] {
    if (!this.files.has(path))
      this.files.set(path, JSON.parse(readFileSync(join(this.dir, path), "utf8")) as TypeNode[]);
    return this.files.get(path)!;
  }

  /** A `$ref` ("file#/N" or "#/N" within `file`) to its node and the file it lives in. */
  private deref(ref: string, file: string): { node: TypeNode; file: string } {
    const [path, pointer] = ref.split("#/");
    const inFile = path === "" || path === undefined ? file : path;
    const node = this.file(inFile)[Number(pointer)];
    if (!node) throw new Error(`dangling type reference ${ref} in ${inFile}`);
    return { node, file: inFile };
  }

  /**
   * The string literals a property of `type@apiVersion` allows, following `path` through the body
   * ("properties.version", "properties.agentPoolProfiles[].osSKU"); `open` when the type also
   * accepts any string (Bicep then does not check the value).
   */
  allowed(resourceType: string, path: string): { literals: string[]; open: boolean } {
    const key = Object.keys(this.index).find((k) => k.toLowerCase() === resourceType.toLowerCase());
    if (!key) throw new Error(`Bicep has no type ${resourceType}`);
    const resource = this.deref(this.index[key]!.$ref, "");
    let at = this.deref((resource.node.body as Ref).$ref, resource.file);
    for (const segment of path.split(".")) {
      const [name, array] = segment.endsWith("[]") ? [segment.slice(0, -2), true] : [segment, false];
      const properties = at.node.properties as Record<string, { type: Ref }> | undefined;
      const property = properties?.[name];
      if (!property) throw new Error(`${resourceType} has no property ${path} (stopped at ${name})`);
      at = this.deref(property.type.$ref, at.file);
      if (array) {
        if (at.node.$type !== "ArrayType") throw new Error(`${resourceType} ${name} is not an array`);
        at = this.deref((at.node.itemType as Ref).$ref, at.file);
      }
    }
    const members =
      at.node.$type === "UnionType"
        ? (at.node.elements as Ref[]).map((e) => this.deref(e.$ref, at.file).node)
        : [at.node];
    return {
      literals: members.filter((m) => m.$type === "StringLiteralType").map((m) => String(m.value)),
      open: members.some((m) => m.$type === "StringType"),
    };
  }
}
