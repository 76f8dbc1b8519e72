import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';

/** Where to send an organization's requests, and with which token. */
export type GitHubEndpoint = {
  /** The REST base URL of the host (`apiBaseUrl` of its integration). */
  apiBaseUrl: string;
  token?: string;
};

/**
 * Credentials per host and organization: the `integrations.github` entry of the host (a token,
 * or a GitHub App installed in the organization), else `doraMetrics.github.token`, else the
 * GITHUB_TOKEN environment variable. Requests go to the host's `apiBaseUrl`.
 */
export class GitHubCredentials {
  private readonly integrations: ScmIntegrations;
  private readonly provider: GithubCredentialsProvider;

  constructor(
    config: Config,
    private readonly fallbackToken?: string,
  ) {
    this.integrations = ScmIntegrations.fromConfig(config);
    this.provider = DefaultGithubCredentialsProvider.fromIntegrations(
      this.integrations,
    );
  }

  async forOrganization(host: string, owner: string): Promise<GitHubEndpoint> {
    const integration = this.integrations.github.byHost(host);
    if (!integration) {
      throw new Error(`integrations.github has no entry for the host ${host}`);
    }
    const { token } = await this.provider.getCredentials({
      url: `https://${host}/${encodeURIComponent(owner)}`,
    });
    return {
      apiBaseUrl: integration.config.apiBaseUrl ?? `https://${host}/api/v3`,
      token:
        token || this.fallbackToken || process.env.GITHUB_TOKEN || undefined,
    };
  }
}
