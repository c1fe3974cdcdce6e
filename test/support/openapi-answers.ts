/** The OpenAPI document as the tests read it, and where a real answer and its schema disagree. */

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
}
export interface Operation {
  operationId: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
}

/** The schema of an operation's 200 JSON answer; `key` is "GET /api/staff/{id}". */
export function okSchemaOf(doc: OpenApiDocument, key: string): Schema | undefined {
  const [method, path] = key.split(' ');
  return doc.paths[path]?.[method.toLowerCase()]?.responses['200']?.content?.['application/json']?.schema;
}

/** Where a real answer and its schema disagree: keys the schema does not declare, or required keys missing. */
export function mismatches(doc: OpenApiDocument, value: unknown, schema: Schema | undefined, at = '$'): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (schema.$ref) return mismatches(doc, value, doc.components.schemas[schema.$ref.split('/').pop()!], at);
  const parts = [...(schema.allOf ?? []), ...(schema.oneOf ?? [])];
  if (parts.length > 0 && !schema.properties) {
    const merged = parts.map((p) => (p.$ref ? doc.components.schemas[p.$ref.split('/').pop()!] : p));
    if (schema.oneOf) return merged.map((p) => mismatches(doc, value, p, at)).reduce((best, m) => (m.length < best.length ? m : best));
    return mismatches(doc, value, { properties: Object.assign({}, ...merged.map((p) => p.properties)), required: merged.flatMap((p) => p.required ?? []) }, at);
  }
  if (Array.isArray(value)) return value.slice(0, 3).flatMap((v, i) => mismatches(doc, v, schema.items, `${at}[${i}]`));
  if (typeof value !== 'object' || !schema.properties) return [];
  const record = value as Record<string, unknown>;
  return [
    ...Object.keys(record).filter((k) => !(k in schema.properties!)).map((k) => `${at}.${k} is not in the schema`),
    ...(schema.required ?? []).filter((k) => !(k in record)).map((k) => `${at}.${k} is required but not answered`),
    ...Object.entries(record).flatMap(([k, v]) => mismatches(doc, v, schema.properties![k], `${at}.${k}`)),
  ];
}

/** A schema with its $ref, or its allOf or oneOf parts (a nullable object, say), resolved into one. */
function resolved(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) return resolved(doc, doc.components.schemas[schema.$ref.split('/').pop()!]);
  const parts = (schema.allOf ?? schema.oneOf ?? []).map((p) => resolved(doc, p));
  if (parts.length === 0 || schema.properties) return schema;
  return { properties: Object.assign({}, ...parts.map((p) => p.properties)), items: parts.find((p) => p.items)?.items };
}

/**
 * The arrays the schema declares that the answer leaves empty wherever they stand (an array's items
 * by `[]`): a check of an answer against its schema says nothing of what an empty array would hold.
 */
export function emptyArrays(doc: OpenApiDocument, value: unknown, schema: Schema | undefined): string[] {
  const filled = new Map<string, boolean>();
  const walk = (v: unknown, s: Schema | undefined, at: string): void => {
    if (!s || v === null || typeof v !== 'object') return;
    const r = resolved(doc, s);
    if (Array.isArray(v)) {
      filled.set(at, (filled.get(at) ?? false) || v.length > 0);
      for (const item of v) walk(item, r.items, `${at}[]`);
      return;
    }
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(child, r.properties?.[k], `${at}.${k}`);
  };
  walk(value, schema, '$');
  return [...filled].filter(([, any]) => !any).map(([at]) => at);
}
