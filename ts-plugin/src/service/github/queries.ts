/*
 * The GraphQL the collector sends, and how it reads the answers. A query is assembled from
 * aliased parts (a repository's deployments, a search, a batch of nodes), so one request serves
 * many repositories. No connection nests in another, except the first commit of a pull request,
 * so a query costs about one point per hundred repositories, or per page of merged pull requests.
 */

/** The fields of a deployment, read from a repository's list or by node id. */
export const DEPLOYMENT_FIELDS =
  'id createdAt environment state commitOid latestStatus { state }';

export const PULL_REQUEST_FIELDS =
  'id createdAt mergedAt baseRefName repository { nameWithOwner defaultBranchRef { name } } ' +
  'commits(first: 1) { nodes { commit { authoredDate } } }';

/** `enableDuplicate`: without it GitHub shows a duplicate as NOT_PLANNED. */
export const ISSUE_FIELDS =
  'id createdAt updatedAt closedAt state stateReason(enableDuplicate: true) ' +
  'repository { nameWithOwner }';

const PAGE_INFO = 'pageInfo { hasNextPage endCursor }';

/** At most this many search results are reachable, whatever the total (GitHub's rule). */
export const SEARCH_REACHABLE = 1000;

const literal = (value: string) => JSON.stringify(value);

export function deploymentsPart(
  alias: string,
  owner: string,
  name: string,
  first: number,
  after: string | null,
): string {
  const afterArg = after ? `, after: ${literal(after)}` : '';
  return (
    `${alias}: repository(owner: ${literal(owner)}, name: ${literal(name)}) { ` +
    `deployments(first: ${first}${afterArg}, orderBy: {field: CREATED_AT, direction: DESC}) { ` +
    `${PAGE_INFO} nodes { ...DoraDeployment } } }`
  );
}

export type SearchShape = 'pullRequests' | 'issues';

export function searchPart(
  alias: string,
  query: string,
  shape: SearchShape,
  after: string | null,
): string {
  const afterArg = after ? `, after: ${literal(after)}` : '';
  const fields =
    shape === 'pullRequests'
      ? `... on PullRequest { ${PULL_REQUEST_FIELDS} }`
      : `... on Issue { ${ISSUE_FIELDS} }`;
  return (
    `${alias}: search(type: ISSUE, first: 100${afterArg}, query: ${literal(query)}) { ` +
    `issueCount ${PAGE_INFO} nodes { ${fields} } }`
  );
}

export function nodesPart(alias: string, ids: string[]): string {
  return `${alias}: nodes(ids: [${ids.map(literal).join(', ')}]) { ...DoraDeployment }`;
}

/** A whole query: the parts, the cost of the query itself, and the fragment they share. */
export function queryDocument(parts: string[]): string {
  const body = parts.join('\n  ');
  const fragment = body.includes('...DoraDeployment')
    ? `\nfragment DoraDeployment on Deployment { ${DEPLOYMENT_FIELDS} }`
    : '';
  return `query DoraCollect {\n  rateLimit { cost remaining resetAt }\n  ${body}\n}${fragment}\n`;
}

/** A search date qualifier value, to the second (GitHub's precision). */
export function searchRange(from: number, to: number | null): string {
  const iso = (ms: number) =>
    new Date(Math.floor(ms / 1000) * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  return to === null ? `>=${iso(from)}` : `${iso(from)}..${iso(to)}`;
}

/** A search value: labels with spaces are quoted. */
export function qualifierValue(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

// ---- answers --------------------------------------------------------------------------------

function instant(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new Error(`GitHub sent no valid ${field}`);
  }
  return ms;
}

function optionalInstant(value: unknown, field: string): number | null {
  return value === null || value === undefined ? null : instant(value, field);
}

export type FetchedDeployment = {
  id: string;
  environment: string;
  /** Deployment.state, or the latest status's state where GitHub gives none. */
  state: string;
  sha: string | null;
  createdAt: number;
};

export function readDeployment(node: any): FetchedDeployment {
  if (!node || typeof node.id !== 'string') {
    throw new Error('GitHub sent a deployment without an id');
  }
  return {
    id: node.id,
    environment: typeof node.environment === 'string' ? node.environment : '',
    state: node.state ?? node.latestStatus?.state ?? '',
    sha: typeof node.commitOid === 'string' ? node.commitOid : null,
    createdAt: instant(node.createdAt, 'Deployment.createdAt'),
  };
}

export type FetchedPullRequest = {
  /** `owner/name`, lower case. */
  repository: string;
  mergedIntoDefaultBranch: boolean;
  change: {
    id: string;
    createdAt: number;
    firstCommitAt: number;
    mergedAt: number | null;
  };
};

export function readPullRequest(node: any): FetchedPullRequest {
  const createdAt = instant(node?.createdAt, 'PullRequest.createdAt');
  const mergedAt = optionalInstant(node.mergedAt, 'PullRequest.mergedAt');
  const defaultBranch = node.repository?.defaultBranchRef?.name;
  const firstCommit = node.commits?.nodes?.[0]?.commit?.authoredDate;
  return {
    repository: String(node.repository?.nameWithOwner ?? '').toLowerCase(),
    mergedIntoDefaultBranch:
      mergedAt !== null &&
      typeof defaultBranch === 'string' &&
      node.baseRefName === defaultBranch,
    change: {
      id: node.id,
      createdAt,
      // The authored date of the first commit; the creation when GitHub does not know it.
      firstCommitAt:
        optionalInstant(firstCommit, 'Commit.authoredDate') ?? createdAt,
      mergedAt,
    },
  };
}

export type FetchedIssue = {
  repository: string;
  updatedAt: number;
  incident: {
    id: string;
    createdAt: number;
    closedAt: number | null;
    stateReason: string | null;
  };
};

export function readIssue(node: any): FetchedIssue {
  const createdAt = instant(node?.createdAt, 'Issue.createdAt');
  const open = node.state === 'OPEN';
  return {
    repository: String(node.repository?.nameWithOwner ?? '').toLowerCase(),
    updatedAt: optionalInstant(node.updatedAt, 'Issue.updatedAt') ?? createdAt,
    incident: {
      id: node.id,
      createdAt,
      // A reopened issue is open, whatever close it had before.
      closedAt: open ? null : optionalInstant(node.closedAt, 'Issue.closedAt'),
      stateReason: node.stateReason ?? null,
    },
  };
}
