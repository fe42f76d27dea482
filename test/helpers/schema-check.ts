/**
 * A small structural checker of JSON values against the OpenAPI document's schemas: types (with null), enum/const,
 * required properties, no undocumented properties where an object lists its properties, array items, $ref, allOf
 * and oneOf. Enough to hold the API's responses to what the document promises, field by field.
 */
import type { Json, JsonObject } from '../../src/web/openapi.js';

/** Problems found, each with the JSON path where it was found (empty when the value matches). */
export function checkSchema(doc: JsonObject, schema: Json | undefined, value: unknown, at = '$'): string[] {
  if (schema === undefined || schema === null || typeof schema !== 'object' || Array.isArray(schema)) return [];
  const s = schema;
  if (typeof s.$ref === 'string') return checkSchema(doc, resolveRef(doc, s.$ref), value, at);
  const problems: string[] = [];
  if (Array.isArray(s.allOf)) {
    const merged = mergeAllOf(doc, s.allOf);
    return checkSchema(doc, merged, value, at);
  }
  if (Array.isArray(s.oneOf)) {
    const ok = s.oneOf.some((sub) => checkSchema(doc, sub, value, at).length === 0);
    return ok ? [] : [`${at}: matches none of oneOf`];
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => typeOk(String(t), value))) return [`${at}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 80)}`];
  }
  if (Array.isArray(s.enum) && !s.enum.includes(value as Json)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (s.const !== undefined && s.const !== value) problems.push(`${at}: expected const ${JSON.stringify(s.const)}`);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const r of Array.isArray(s.required) ? s.required : []) if (!(String(r) in obj)) problems.push(`${at}: missing required ${String(r)}`);
    const props = s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties) ? s.properties : null;
    for (const [k, v] of Object.entries(obj)) {
      if (props && k in props) problems.push(...checkSchema(doc, props[k], v, `${at}.${k}`));
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') problems.push(...checkSchema(doc, s.additionalProperties, v, `${at}.${k}`));
      else if (props) problems.push(`${at}: undocumented property ${k}`);
    }
  }
  if (Array.isArray(value)) {
    const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
    value.forEach((v, i) => problems.push(...checkSchema(doc, i < prefix.length ? prefix[i] : s.items, v, `${at}[${i}]`)));
  }
  return problems;
}

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case 'null': return v === null;
    case 'integer': return Number.isInteger(v);
    case 'number': return typeof v === 'number';
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    default: return typeof v === t;
  }
}

/** The schema a local `$ref` (#/components/...) points to. */
export function resolveRef(doc: JsonObject, ref: string): Json | undefined {
  let cur: Json | undefined = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur[part] : undefined;
  }
  return cur;
}

function mergeAllOf(doc: JsonObject, parts: Json[]): JsonObject {
  const out: JsonObject = { type: 'object', required: [], properties: {} };
  for (const p of parts) {
    const s = (p && typeof p === 'object' && !Array.isArray(p) && typeof p.$ref === 'string' ? resolveRef(doc, p.$ref) : p) as JsonObject;
    (out.required as Json[]).push(...((s.required as Json[] | undefined) ?? []));
    Object.assign(out.properties as JsonObject, (s.properties as JsonObject | undefined) ?? {});
  }
  return out;
}
