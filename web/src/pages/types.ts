/** What the shell gives a page: the decoded path segments after the page's own prefix (/runs/42 → ["42"]). */
export interface PageProps { sub: string[] }
