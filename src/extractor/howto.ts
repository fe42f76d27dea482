/**
 * Recipe and how-to pages state their ingredient list and steps in schema.org JSON-LD; their templates often show
 * them in carousels, tabs or script-rendered widgets that markup-based extraction drops. These helpers read them.
 */
import type { LdNode } from './jsonld.js';
import { looseKey, normalizeText } from './text.js';

/** A list of structured items read from JSON-LD: ingredients or tools (before the body) and steps (after it). */
export interface HowToParts {
  ingredients: string[];
  steps: string[];
}

function typesOf(n: LdNode): string[] {
  const t = n['@type'];
  return (Array.isArray(t) ? t : [t]).filter((x): x is string => typeof x === 'string');
}

function texts(v: unknown, depth = 0): string[] {
  if (depth > 4) return [];
  if (typeof v === 'string') {
    const t = normalizeText(v.replace(/<[^>]*>/g, ' '));
    return t === '' ? [] : [t];
  }
  if (Array.isArray(v)) return v.flatMap((x) => texts(x, depth + 1));
  if (typeof v === 'object' && v !== null) {
    const n = v as LdNode;
    if (n.itemListElement !== undefined) return texts(n.itemListElement, depth + 1);
    if (n.text !== undefined) return texts(n.text, depth + 1);
    if (n.name !== undefined) return texts(n.name, depth + 1);
  }
  return [];
}

/** The ingredient and step lists of the first Recipe or HowTo node in `nodes` (empty lists when there is none). */
export function howToParts(nodes: readonly LdNode[]): HowToParts {
  for (const n of nodes) {
    const types = typesOf(n);
    if (!types.includes('Recipe') && !types.includes('HowTo')) continue;
    return {
      ingredients: texts(n.recipeIngredient ?? n.ingredients ?? n.supply),
      steps: texts(n.recipeInstructions ?? n.step),
    };
  }
  return { ingredients: [], steps: [] };
}

/** The items of `items` whose text is absent from `body` (compared loosely: case, punctuation and spacing aside). */
export function missingItems(items: readonly string[], body: string): string[] {
  const hay = looseKey(body);
  return items.filter((i) => {
    const k = looseKey(i);
    return k !== '' && !hay.includes(k);
  });
}

/**
 * The body with the page's structured ingredients and steps restored when most of a list is missing from it:
 * ingredients go before the body, steps after it. A list the body already shows (mostly) is left alone.
 */
export function withHowTo(paragraphs: readonly string[], parts: HowToParts): string[] {
  const body = paragraphs.join('\n');
  const lacking = (list: readonly string[]): string[] => {
    const missing = missingItems(list, body);
    return list.length > 0 && missing.length > list.length / 2 ? missing : [];
  };
  const before = lacking(parts.ingredients);
  const after = lacking(parts.steps);
  if (before.length === 0 && after.length === 0) return [...paragraphs];
  return [...before, ...paragraphs, ...after];
}
