import { ConfigReader } from '@backstage/config';
import { GitHubCredentials } from './credentials';

describe('GitHubCredentials', () => {
  const saved = process.env.GITHUB_TOKEN;
  afterEach(() => {
    if (saved === undefined) {
      delete process.env.GITHUB_TOKEN;
    } else {
      process.env.GITHUB_TOKEN = saved;
    }
  });

  const config = (github: object[]) =>
    new ConfigReader({ integrations: { github } });

  it('takes the integration of the host first, then the plugin token, then GITHUB_TOKEN', async () => {
    process.env.GITHUB_TOKEN = 'from-env';
    const integrations = config([
      { host: 'github.com', token: 'from-integration' },
      { host: 'ghe.example.com', apiBaseUrl: 'https://ghe.example.com/api/v3' },
    ]);
    expect(
      await new GitHubCredentials(integrations, 'from-plugin').forOrganization(
        'github.com',
        'acme',
      ),
    ).toEqual({
      apiBaseUrl: 'https://api.github.com',
      token: 'from-integration',
    });
    expect(
      await new GitHubCredentials(integrations, 'from-plugin').forOrganization(
        'ghe.example.com',
        'acme',
      ),
    ).toEqual({
      apiBaseUrl: 'https://ghe.example.com/api/v3',
      token: 'from-plugin',
    });
    expect(
      await new GitHubCredentials(integrations).forOrganization(
        'ghe.example.com',
        'acme',
      ),
    ).toEqual({
      apiBaseUrl: 'https://ghe.example.com/api/v3',
      token: 'from-env',
    });
    delete process.env.GITHUB_TOKEN;
    expect(
      (
        await new GitHubCredentials(integrations).forOrganization(
          'ghe.example.com',
          'acme',
        )
      ).token,
    ).toBeUndefined();
  });

  it('sends every request to the apiBaseUrl of the host', async () => {
    const credentials = new GitHubCredentials(
      config([{ host: 'github.com', apiBaseUrl: 'http://127.0.0.1:7010' }]),
    );
    expect(
      (await credentials.forOrganization('github.com', 'acme')).apiBaseUrl,
    ).toBe('http://127.0.0.1:7010');
    await expect(
      credentials.forOrganization('git.example.org', 'acme'),
    ).rejects.toThrow('integrations.github has no entry for the host');
  });
});
