/**
 * The rules' documentation pages, `docs/rules/<id>.md`, read from the installation (a checkout, the
 * npm package or the single executable's built-in files), and the ids closest to a mistyped one.
 */
import { readPackageFile } from '../runtime/assets.js';
import { RULES } from './index.js';
import { ruleDocPath } from './rule.js';
import { editDistance } from '../edit-distance.js';

/** A rule's documentation page as Markdown; throws when the installation lacks it. */
export function readRuleDoc(id: string): string {
  return readPackageFile(ruleDocPath(id), 'utf8');
}

/** Every rule's page, in the registry's order. */
export function readRuleDocs(): { id: string; markdown: string }[] {
  return RULES.map((rule) => ({ id: rule.meta.id, markdown: readRuleDoc(rule.meta.id) }));
}

/**
 * The known ids nearest to one that matches none, nearest first: those within a few edits of it,
 * and those that contain it or share all its words (`created-twice`, `twice-created`).
 */
export function closestRuleIds(wanted: string, ids: readonly string[] = RULES.map((rule) => rule.meta.id), limit = 3): string[] {
  const query = wanted.trim().toLowerCase();
  const words = query.split(/[^a-z0-9]+/).filter(Boolean);
  const scored = ids.map((id) => {
    const sharesWords = words.length > 0 && words.every((word) => id.split('-').some((part) => part.startsWith(word)));
    const distance = id.includes(query) || sharesWords ? 0 : editDistance(query, id);
    return { id, distance };
  });
  const tolerance = Math.max(3, Math.floor(query.length / 3));
  return scored
    .filter((entry) => entry.distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((entry) => entry.id);
}
