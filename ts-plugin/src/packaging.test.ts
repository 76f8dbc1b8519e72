import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(120_000);

const packageDir = path.resolve(__dirname, '..');
const repoDir = path.resolve(packageDir, '..');

/**
 * Packs a copy of this package laid out as in the repository (the workspace root with its
 * migrations/ folder, this package beside it), so the real package.json is never rewritten
 * while other tests run. The copy's prepack and postpack are this package's own scripts.
 */
async function packFiles(): Promise<{ files: string[]; sandbox: string }> {
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'dora-pack-'));
  fs.writeFileSync(
    path.join(sandbox, 'package.json'),
    JSON.stringify({
      name: 'sandbox',
      private: true,
      workspaces: ['ts-plugin'],
    }),
  );
  // backstage-cli's prepack reads the workspace root's tsconfig.json.
  fs.writeFileSync(path.join(sandbox, 'tsconfig.json'), '{}');
  fs.symlinkSync(
    path.join(repoDir, 'node_modules'),
    path.join(sandbox, 'node_modules'),
  );
  fs.cpSync(
    path.join(repoDir, 'migrations'),
    path.join(sandbox, 'migrations'),
    { recursive: true },
  );
  const target = path.join(sandbox, 'ts-plugin');
  for (const entry of ['package.json', 'config.d.ts', 'scripts']) {
    fs.cpSync(path.join(packageDir, entry), path.join(target, entry), {
      recursive: true,
    });
  }

  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.toLowerCase().startsWith('npm_'),
    ),
  );
  const { stdout } = await promisify(execFile)(
    'npm',
    ['pack', '--dry-run', '--json'],
    {
      cwd: target,
      env,
    },
  );
  const [pack] = JSON.parse(stdout);
  return {
    files: pack.files.map((f: { path: string }) => f.path).sort(),
    sandbox,
  };
}

describe('the packed plugin', () => {
  it('carries the migrations of the repository', async () => {
    const migrations = fs
      .readdirSync(path.join(repoDir, 'migrations'))
      .filter(f => f.endsWith('.js'));
    expect(migrations.length).toBeGreaterThan(0);

    const { files, sandbox } = await packFiles();
    try {
      expect(files).toEqual(
        expect.arrayContaining([
          'package.json',
          'config.schema.json',
          ...migrations.map(f => `migrations/${f}`),
        ]),
      );
      // postpack restored the package as it was
      expect(fs.existsSync(path.join(sandbox, 'ts-plugin', 'migrations'))).toBe(
        false,
      );
      expect(
        fs.readFileSync(
          path.join(sandbox, 'ts-plugin', 'package.json'),
          'utf8',
        ),
      ).toBe(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    } finally {
      fs.rmSync(sandbox, { recursive: true, force: true });
    }
  });
});
