// GitHub's page-number pagination: per_page (default 30, at most 100), page,
// and a Link header with prev/next/last/first relations.
import type { RequestContext } from './handler.ts';

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

const MAX_PER_PAGE = 100;

export function paginate<T>(ctx: RequestContext, all: T[], defaultPerPage = 30): Page<T> {
  const perPage = clampInt(ctx.query.get('per_page'), defaultPerPage, 1, MAX_PER_PAGE);
  const page = clampInt(ctx.query.get('page'), 1, 1, Number.MAX_SAFE_INTEGER);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  const pageUrl = (n: number): string => {
    const url = new URL(ctx.url.href);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return url.href;
  };
  if (page > 1) links.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`);
  return { items, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

function clampInt(raw: string | null, fallback: number, min: number, max: number): number {
  if (raw === null || raw === '') return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
