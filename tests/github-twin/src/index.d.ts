// Types for @internal/github-twin (the implementation is plain JavaScript; see README.md).

export type Instant = string | number;

export interface CoreDeployment { id: string; environment: string; state: string; createdAt: number }
export interface CoreChange { id: string; createdAt: number; firstCommitAt: number | null; mergedAt: number }
export interface CoreIncident { id: string; createdAt: number; closedAt: number | null; stateReason: string | null }
export interface CoreEvents { deployments: CoreDeployment[]; changes: CoreChange[]; incidents: CoreIncident[] }
/** Per "owner/repo". */
export type GroundTruth = Record<string, CoreEvents>;

export interface Scenario {
  version?: 1;
  description?: string;
  now?: Instant;
  failureLabel?: string;
  organizations?: Record<string, { id?: string; databaseId?: number; name?: string; createdAt?: Instant }>;
  users?: Array<string | { login: string; id?: string; databaseId?: number; name?: string; createdAt?: Instant }>;
  repositories: Record<string, RepositorySpec>;
}

export interface RepositorySpec {
  id?: string;
  databaseId?: number;
  defaultBranch?: string;
  labels?: Array<string | { name: string; color?: string; description?: string; id?: string; databaseId?: number; isDefault?: boolean }>;
  description?: string | null;
  private?: boolean;
  archived?: boolean;
  createdAt?: Instant;
  deployments?: Array<{
    id?: string; databaseId?: number; environment: string; createdAt: Instant; state?: string;
    statuses?: Array<{ state: string; createdAt?: Instant; id?: string; databaseId?: number; description?: string; environment?: string; logUrl?: string; environmentUrl?: string; creator?: string }>;
    sha?: string; ref?: string; task?: string; description?: string | null; creator?: string; payload?: unknown;
    productionEnvironment?: boolean; transientEnvironment?: boolean;
  }>;
  changes?: PullRequestSpec[];
  pullRequests?: PullRequestSpec[];
  incidents?: IssueSpec[];
  issues?: IssueSpec[];
}

export interface PullRequestSpec {
  id?: string; databaseId?: number; issueDatabaseId?: number; number?: number; title?: string; body?: string;
  createdAt: Instant; firstCommitAt?: Instant | null; mergedAt?: Instant | null; closedAt?: Instant | null;
  baseRefName?: string; headRefName?: string; labels?: string[]; author?: string; draft?: boolean; mergeCommitOid?: string | null;
  commits?: Array<{ oid?: string; authoredDate: Instant; committedDate?: Instant; message?: string }>;
}

export interface IssueSpec {
  id?: string; databaseId?: number; number?: number; title?: string; body?: string;
  createdAt: Instant; closedAt?: Instant | null; stateReason?: string | null; labels?: string[]; author?: string;
}

export interface GenerateOptions {
  org?: string;
  repos?: number;
  seed?: number | string;
  days?: number;
  /** Last instant of generated history; default now (pass it for a reproducible data set). */
  end?: Instant;
  failureLabel?: string;
  scale?: number;
}

export type FaultKind = '5xx' | 'secondary' | 'slow' | 'timeout' | 'truncated' | 'reset';

export interface FaultOptions {
  seed?: number | string;
  rate?: number;
  kinds?: FaultKind[] | Partial<Record<FaultKind, number>>;
  slowMs?: number;
  timeoutMs?: number;
  retryAfter?: number;
  secondaryStatus?: 403 | 429 | 'mixed';
  pathPattern?: string;
}

export interface InjectedFault { kind: FaultKind; status?: number; count?: number; path?: string; retryAfter?: number }

export type Mutation =
  | { op: 'add'; repo: string; kind: 'deployment' | 'change' | 'incident' | 'pullRequest' | 'issue'; event: object }
  | { op: 'addStatus'; id: string; state: string; createdAt?: Instant; description?: string; autoInactive?: boolean }
  | { op: 'update'; id: string; set: Record<string, unknown> }
  | { op: 'remove'; id: string }
  | { op: 'addRepository'; repo: string; spec?: RepositorySpec }
  | { op: 'clock'; now?: Instant; advanceMs?: number };

export interface TwinOptions {
  scenario?: Scenario | string;
  generate?: GenerateOptions;
  now?: Instant;
  frozenClock?: boolean;
  port?: number;
  host?: string;
  tokens?: '*' | Array<string | { token: string; login?: string; limits?: { core?: number; search?: number; graphql?: number } }>;
  rateLimit?: { core?: number; search?: number; graphql?: number; windowMs?: number };
  faults?: FaultOptions;
  secondary?: { maxConcurrent?: number };
  strictParams?: boolean;
  validateResponses?: boolean;
  htmlUrl?: string;
  wallClock?: () => number;
}

export interface TokenStats {
  login: string | null; requests: number; rest: number; graphql: number; search: number; notModified: number;
  graphqlPoints: number; rateLimited: number; secondaryLimited: number; statuses: Record<string, number>; faults: Record<string, number>;
}

export interface TwinStats {
  requests: number;
  faultsInjected: number;
  invalidResponses: number;
  now: string;
  tokens: Record<string, TokenStats>;
  rateLimits: Record<string, Record<'core' | 'search' | 'graphql', { limit: number; used: number; remaining: number; reset: number }>>;
}

export interface Twin {
  readonly url: string;
  readonly port: number;
  stats(): TwinStats;
  reset(what?: { stats?: boolean; rateLimits?: boolean; faults?: boolean; data?: boolean }): { ok: true };
  mutate(ops: Mutation | Mutation[]): Array<Record<string, unknown>>;
  groundTruth(options?: { asOf?: Instant; failureLabel?: string }): GroundTruth;
  scenario(): Scenario;
  advance(ms: number): { now: string; frozen: boolean };
  setNow(instant: Instant): { now: string; frozen: boolean };
  now(): number;
  /** Ends the waits of `slow` and `timeout` faults now. */
  releaseHeld(): void;
  setData(data: { scenario?: Scenario | string; generate?: GenerateOptions; now?: Instant; frozenClock?: boolean }): void;
  readonly faults: {
    inject(list: InjectedFault | InjectedFault[]): void;
    configure(options: FaultOptions): void;
    readonly log: Array<InjectedFault & { seq: number; method: string; path: string; token: string | null }>;
  };
  close(): Promise<void>;
}

export function startTwin(options?: TwinOptions): Promise<Twin>;
export function generateScenario(options?: GenerateOptions): Scenario;
export function generateOrg(options?: GenerateOptions): { scenario: Scenario; groundTruth: GroundTruth };
export function groundTruth(scenario: Scenario | string | object, options?: { asOf?: Instant; failureLabel?: string }): GroundTruth;
export function loadScenario(scenario: Scenario | string, overrides?: { now?: Instant; frozen?: boolean; wallClock?: () => number; htmlUrl?: string }): object;
export function exportScenario(store: object): Scenario;
export function mutate(store: object, ops: Mutation | Mutation[]): Array<Record<string, unknown>>;
export function validateRestResponse(method: string, template: string, status: number, body: unknown): { valid: boolean; errors: object[] };
export function githubSchema(): import('graphql').GraphQLSchema;
