'use strict';

const S = require('../store');
const { iso } = require('../time');
const { nodeId } = require('../ids');

/**
 * REST representations, shaped after GitHub's responses and checked against its OpenAPI
 * description in the tests. `api` is the API base the client used (e.g. http://127.0.0.1:PORT
 * or .../api/v3), so every URL in a body can be followed against the twin.
 */

function user(u, api, html) {
  if (!u) return null;
  const isBot = u.__typename === 'Bot';
  const isOrg = u.__typename === 'Organization';
  const login = u.login;
  const url = `${api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id: u.databaseId,
    node_id: u.id,
    avatar_url: isBot ? `https://avatars.githubusercontent.com/in/${u.databaseId}?v=4` : `https://avatars.githubusercontent.com/u/${u.databaseId}?v=4`,
    gravatar_id: '',
    url,
    html_url: isBot ? `${html}/apps/${login.replace(/\[bot\]$/, '')}` : `${html}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: isBot ? 'Bot' : isOrg ? 'Organization' : 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

function repoUrls(repo, api, html) {
  const url = `${api}/repos/${repo.nameWithOwner}`;
  return {
    id: repo.databaseId,
    node_id: repo.id,
    name: repo.name,
    full_name: repo.nameWithOwner,
    private: repo.isPrivate,
    owner: user(repo.owner, api, html),
    html_url: `${html}/${repo.nameWithOwner}`,
    description: repo.description,
    fork: false,
    url,
    forks_url: `${url}/forks`,
    keys_url: `${url}/keys{/key_id}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    teams_url: `${url}/teams`,
    hooks_url: `${url}/hooks`,
    issue_events_url: `${url}/issues/events{/number}`,
    events_url: `${url}/events`,
    assignees_url: `${url}/assignees{/user}`,
    branches_url: `${url}/branches{/branch}`,
    tags_url: `${url}/tags`,
    blobs_url: `${url}/git/blobs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    trees_url: `${url}/git/trees{/sha}`,
    statuses_url: `${url}/statuses/{sha}`,
    languages_url: `${url}/languages`,
    stargazers_url: `${url}/stargazers`,
    contributors_url: `${url}/contributors`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    commits_url: `${url}/commits{/sha}`,
    git_commits_url: `${url}/git/commits{/sha}`,
    comments_url: `${url}/comments{/number}`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    contents_url: `${url}/contents/{+path}`,
    compare_url: `${url}/compare/{base}...{head}`,
    merges_url: `${url}/merges`,
    archive_url: `${url}/{archive_format}{/ref}`,
    downloads_url: `${url}/downloads`,
    issues_url: `${url}/issues{/number}`,
    pulls_url: `${url}/pulls{/number}`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    labels_url: `${url}/labels{/name}`,
    releases_url: `${url}/releases{/id}`,
    deployments_url: `${url}/deployments`,
  };
}

function repoCommon(repo, api, html, now) {
  const openIssues = repo.issues.filter((i) => S.visible(i, now) && S.issueState(i, now) === 'OPEN').length
    + repo.pullRequests.filter((p) => S.visible(p, now) && S.prState(p, now) === 'OPEN').length;
  const updated = iso(S.updatedAt(repo, now));
  return {
    ...repoUrls(repo, api, html),
    created_at: iso(repo.createdAt),
    updated_at: updated,
    pushed_at: updated,
    git_url: `git:${html.replace(/^https?:/, '')}/${repo.nameWithOwner}.git`,
    ssh_url: `git@${new URL(html).host}:${repo.nameWithOwner}.git`,
    clone_url: `${html}/${repo.nameWithOwner}.git`,
    svn_url: `${html}/${repo.nameWithOwner}`,
    homepage: null,
    size: 1024,
    stargazers_count: 0,
    watchers_count: 0,
    language: 'TypeScript',
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: repo.isArchived,
    disabled: false,
    open_issues_count: openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.isPrivate ? 'private' : 'public',
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
    default_branch: repo.defaultBranch,
    permissions: { admin: false, maintain: false, push: false, triage: false, pull: true },
  };
}

function minimalRepository(repo, api, html, now) {
  return repoCommon(repo, api, html, now);
}

function fullRepository(repo, api, html, now) {
  return {
    ...repoCommon(repo, api, html, now),
    allow_squash_merge: true,
    allow_merge_commit: false,
    allow_rebase_merge: false,
    allow_auto_merge: false,
    delete_branch_on_merge: true,
    allow_update_branch: false,
    use_squash_pr_title_as_default: true,
    squash_merge_commit_title: 'PR_TITLE',
    squash_merge_commit_message: 'COMMIT_MESSAGES',
    merge_commit_title: 'MERGE_MESSAGE',
    merge_commit_message: 'PR_TITLE',
    temp_clone_token: '',
    organization: user(repo.owner, api, html),
    network_count: 0,
    subscribers_count: 0,
  };
}

function label(l, api) {
  return {
    id: l.databaseId,
    node_id: l.id,
    url: `${api}/repos/${l.repository.nameWithOwner}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.isDefault,
    description: l.description ?? '',
  };
}

function deployment(d, api, html, now) {
  const repoUrl = `${api}/repos/${d.repository.nameWithOwner}`;
  const url = `${repoUrl}/deployments/${d.databaseId}`;
  return {
    url,
    id: d.databaseId,
    node_id: d.id,
    task: d.task,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    created_at: iso(d.createdAt),
    updated_at: iso(now === undefined ? d.createdAt : S.updatedAt(d, now)),
    statuses_url: `${url}/statuses`,
    repository_url: repoUrl,
    creator: user(d.creator, api, html),
    sha: d.sha,
    ref: d.ref,
    payload: d.payload,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: null,
  };
}

function deploymentStatus(s, api, html) {
  const d = s.deployment;
  const repoUrl = `${api}/repos/${d.repository.nameWithOwner}`;
  const deploymentUrl = `${repoUrl}/deployments/${d.databaseId}`;
  return {
    url: `${deploymentUrl}/statuses/${s.databaseId}`,
    id: s.databaseId,
    node_id: s.id,
    state: s.state.toLowerCase(),
    creator: user(s.creator, api, html),
    description: s.description ?? '',
    environment: s.environment,
    target_url: s.logUrl ?? `${html}/${d.repository.nameWithOwner}/actions/runs/${s.databaseId}`,
    created_at: iso(s.createdAt),
    updated_at: iso(s.createdAt),
    deployment_url: deploymentUrl,
    repository_url: repoUrl,
    environment_url: s.environmentUrl ?? `https://${d.environment.replace(/[^A-Za-z0-9-]+/g, '-').toLowerCase()}.${d.repository.name.toLowerCase()}.example.com`,
    log_url: s.logUrl ?? `${html}/${d.repository.nameWithOwner}/actions/runs/${s.databaseId}`,
    performed_via_github_app: null,
  };
}

function branchSide(pr, branch, sha, api, html, now) {
  const repo = pr.repository;
  return {
    label: `${repo.owner.login}:${branch}`,
    ref: branch,
    sha,
    user: user(repo.owner, api, html),
    repo: fullRepoForPull(repo, api, html, now),
  };
}

function fullRepoForPull(repo, api, html, now) {
  const r = repoCommon(repo, api, html, now);
  delete r.permissions;
  return r;
}

function pullRequestSimple(pr, api, html, now) {
  const repo = pr.repository;
  const repoUrl = `${api}/repos/${repo.nameWithOwner}`;
  const url = `${repoUrl}/pulls/${pr.number}`;
  const issueUrl = `${repoUrl}/issues/${pr.number}`;
  const state = S.prState(pr, now);
  const mergedAt = S.prMergedAt(pr, now);
  const headSha = pr.commits[pr.commits.length - 1].oid;
  return {
    url,
    id: pr.databaseId,
    node_id: pr.id,
    html_url: `${html}/${repo.nameWithOwner}/pull/${pr.number}`,
    diff_url: `${html}/${repo.nameWithOwner}/pull/${pr.number}.diff`,
    patch_url: `${html}/${repo.nameWithOwner}/pull/${pr.number}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoUrl}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${repoUrl}/statuses/${headSha}`,
    number: pr.number,
    state: state === 'OPEN' ? 'open' : 'closed',
    locked: false,
    title: pr.title,
    user: user(pr.author, api, html),
    body: pr.body || null,
    labels: pr.labels.map((l) => label(l, api)),
    milestone: null,
    active_lock_reason: null,
    created_at: iso(pr.createdAt),
    updated_at: iso(S.updatedAt(pr, now)),
    closed_at: iso(S.prClosedAt(pr, now)),
    merged_at: iso(mergedAt),
    merge_commit_sha: mergedAt === null ? null : pr.mergeCommitOid,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchSide(pr, pr.headRefName, headSha, api, html, now),
    base: branchSide(pr, pr.baseRefName, S.branchHead(repo, pr.baseRefName, pr.createdAt).oid, api, html, now),
    _links: {
      self: { href: url },
      html: { href: `${html}/${repo.nameWithOwner}/pull/${pr.number}` },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoUrl}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${repoUrl}/statuses/${headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: pr.draft,
  };
}

/** An issue as the issues API shows it; pull requests appear there too, with `pull_request`. */
function issue(x, api, html, now) {
  const repo = x.repository;
  const repoUrl = `${api}/repos/${repo.nameWithOwner}`;
  const url = `${repoUrl}/issues/${x.number}`;
  const isPr = x.__typename === 'PullRequest';
  const closedAt = isPr ? S.prClosedAt(x, now) : S.issueClosedAt(x, now);
  const reason = isPr ? null : S.issueStateReason(x, now);
  const out = {
    url,
    repository_url: repoUrl,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${html}/${repo.nameWithOwner}/${isPr ? 'pull' : 'issues'}/${x.number}`,
    id: isPr ? x.issueDatabaseId : x.databaseId,
    node_id: x.id,
    number: x.number,
    title: x.title,
    user: user(x.author, api, html),
    labels: x.labels.map((l) => label(l, api)),
    state: closedAt === null ? 'open' : 'closed',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: iso(x.createdAt),
    updated_at: iso(S.updatedAt(x, now)),
    closed_at: iso(closedAt),
    author_association: 'MEMBER',
    active_lock_reason: null,
    body: x.body || null,
    closed_by: closedAt === null ? null : user(x.author, api, html),
    reactions: { url: `${url}/reactions`, total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: reason === null ? null : reason.toLowerCase(),
  };
  if (isPr) {
    out.draft = x.draft;
    out.pull_request = {
      url: `${repoUrl}/pulls/${x.number}`,
      html_url: `${html}/${repo.nameWithOwner}/pull/${x.number}`,
      diff_url: `${html}/${repo.nameWithOwner}/pull/${x.number}.diff`,
      patch_url: `${html}/${repo.nameWithOwner}/pull/${x.number}.patch`,
      merged_at: iso(S.prMergedAt(x, now)),
    };
  }
  return out;
}

function searchItem(x, api, html, now) {
  const out = issue(x, api, html, now);
  delete out.closed_by;
  out.body = out.body ?? '';
  out.score = 1;
  return out;
}

function pullCommit(pr, c, api, html) {
  const repo = pr.repository;
  const repoUrl = `${api}/repos/${repo.nameWithOwner}`;
  const idx = pr.commits.indexOf(c);
  const parent = idx > 0 ? pr.commits[idx - 1].oid : S.branchHead(repo, pr.baseRefName, pr.createdAt).oid;
  return {
    sha: c.oid,
    node_id: nodeId('Commit', repo.databaseId, c.oid),
    commit: {
      author: { name: pr.author.login, email: `${pr.author.login}@users.noreply.github.com`, date: iso(c.authoredDate) },
      committer: { name: pr.author.login, email: `${pr.author.login}@users.noreply.github.com`, date: iso(c.committedDate) },
      message: c.message,
      tree: { sha: c.oid.split('').reverse().join(''), url: `${repoUrl}/git/trees/${c.oid.split('').reverse().join('')}` },
      url: `${repoUrl}/git/commits/${c.oid}`,
      comment_count: 0,
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    url: `${repoUrl}/commits/${c.oid}`,
    html_url: `${html}/${repo.nameWithOwner}/commit/${c.oid}`,
    comments_url: `${repoUrl}/commits/${c.oid}/comments`,
    author: user(pr.author, api, html),
    committer: user(pr.author, api, html),
    parents: [{ sha: parent, url: `${repoUrl}/commits/${parent}`, html_url: `${html}/${repo.nameWithOwner}/commit/${parent}` }],
  };
}

function privateUser(u, api, html) {
  return {
    ...user(u, api, html),
    name: u.name ?? u.login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: iso(u.createdAt),
    updated_at: iso(u.createdAt),
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
    user_view_type: 'private',
  };
}

module.exports = { user, minimalRepository, fullRepository, label, deployment, deploymentStatus, pullRequestSimple, issue, searchItem, pullCommit, privateUser };
