/** Reads schema.org JSON-LD blocks and finds the node describing the article. */

/** A JSON-LD node (an object with string keys). */
export type LdNode = Record<string, unknown>;

function isNode(v: unknown): v is LdNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses one `<script type="application/ld+json">` body; malformed JSON yields an empty list instead of throwing. */
export function parseJsonLd(source: string): unknown[] {
  // Wrappers some CMSs put around the JSON: HTML comments and CDATA sections, bare or behind // or /* */.
  let text = source
    .trim()
    .replace(/^(?:\/\/|\/\*)?\s*(?:<!--|<!\[CDATA\[)\s*(?:\*\/)?/, '')
    .replace(/(?:\/\/|\/\*)?\s*(?:-->|\]\]>)\s*(?:\*\/)?$/, '');
  // Raw line breaks and tabs inside strings are invalid JSON yet common in CMS output; outside strings they are spaces anyway.
  text = text.replace(/[\n\r\t]/g, ' ');
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    // Trailing commas are the other common fault.
    try {
      return [JSON.parse(text.replace(/,\s*([}\]])/g, '$1')) as unknown];
    } catch {
      return [];
    }
  }
}

/** Every node of the parsed documents, with arrays and `@graph` lists flattened (nested values are not walked). */
export function flattenNodes(docs: readonly unknown[]): LdNode[] {
  const out: LdNode[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (!isNode(v)) return;
    out.push(v);
    if (v['@graph'] !== undefined) visit(v['@graph'], depth + 1);
  };
  for (const d of docs) visit(d, 0);
  return out;
}

/** The node's `@type` values (schema.org prefixes removed). */
export function types(node: LdNode): string[] {
  const t = node['@type'];
  const list = Array.isArray(t) ? t : [t];
  return list.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^(https?:\/\/)?schema\.org\//, ''));
}

const ARTICLE_TYPES = /(Article|Posting|^ReportageNews$|^Report$|^Review$|^Recipe$|^LiveBlogPosting$)/;

/** True when the node is an article-like creative work (NewsArticle, BlogPosting, ReportageNews...). */
export function isArticle(node: LdNode): boolean {
  return types(node).some((t) => ARTICLE_TYPES.test(t));
}

/** Resolves `{"@id": ...}` references against the nodes of the page; other values pass through. */
function deref(v: unknown, byId: ReadonlyMap<string, LdNode>): unknown {
  if (isNode(v) && typeof v['@id'] === 'string' && Object.keys(v).length === 1) return byId.get(v['@id']) ?? v;
  return v;
}

/** The article node of the page (preferring one with a headline, then a WebPage's mainEntity), or null. */
export function findArticleNode(nodes: readonly LdNode[]): LdNode | null {
  const byId = indexById(nodes);
  const articles = nodes.filter(isArticle);
  for (const n of nodes) {
    const main = deref(n.mainEntity, byId);
    if (isNode(main) && isArticle(main) && !articles.includes(main)) articles.push(main);
  }
  return articles.find((a) => typeof a.headline === 'string') ?? articles[0] ?? null;
}

/** The first string among `v` (a string, a `{name|url|@value}` object, or an array of these), or null. */
export function firstString(v: unknown, key: 'name' | 'url' = 'name'): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) {
    for (const x of v) {
      const s = firstString(x, key);
      if (s) return s;
    }
    return null;
  }
  if (isNode(v)) {
    const s = v[key] ?? v['@value'];
    if (typeof s === 'string') return s;
    if (Array.isArray(s)) return firstString(s, key);
  }
  return null;
}

/** Every name among `v` (strings, Person/Organization objects, arrays of them), with references resolved. */
export function allNames(v: unknown, byId: ReadonlyMap<string, LdNode>): string[] {
  const out: string[] = [];
  const visit = (x: unknown): void => {
    const r = deref(x, byId);
    if (typeof r === 'string') out.push(r);
    else if (Array.isArray(r)) r.forEach(visit);
    else if (isNode(r) && typeof r.name === 'string') out.push(r.name);
  };
  visit(v);
  return out;
}

/** Index of nodes by `@id`. */
export function indexById(nodes: readonly LdNode[]): Map<string, LdNode> {
  const m = new Map<string, LdNode>();
  for (const n of nodes) if (typeof n['@id'] === 'string') m.set(n['@id'], n);
  return m;
}
