/** A repository as the REST API names it. */
export interface RepoRef {
  owner: string;
  repo: string;
}

export function formatRepo(ref: RepoRef): string {
  return `${ref.owner}/${ref.repo}`;
}
