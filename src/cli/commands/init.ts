import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../main.js';

export interface InitArgs {
  dir: string;
  name?: string;
  envs?: string[];
  components?: string[];
  'cp-version'?: string;
  controller?: string;
  'operator-version'?: string;
  'chart-version'?: string;
  'control-center-version'?: string;
  'repo-url'?: string;
  cluster?: string;
  remote?: string;
  github?: string;
  set?: string[];
  'github-api-url'?: string;
  gitlab?: string;
  'gitlab-url'?: string;
  public: boolean;
  branch: string;
  'dry-run': boolean;
  json: boolean;
}


export function initCommand(context: CommandContext): CommandModule<object, InitArgs> {
  return {
    command: 'init [dir]',
    describe: 'Generate, commit (and push) a GitOps repository for Confluent Platform',
    builder: (yargs: Argv<object>) =>
      yargs
        .positional('dir', { type: 'string', default: '.', describe: 'Folder to create (absent or empty)' })
        .option('name', { type: 'string', describe: 'Platform name (DNS-1123, ≤ 30 chars); default: from the folder name' })
        .option('envs', { type: 'string', array: false, coerce: list, describe: 'Environments in promotion order', defaultDescription: 'dev,staging,prod' })
        .option('components', { type: 'string', coerce: list, describe: 'kafka, schemaregistry, connect, ksqldb, controlcenter, restproxy, or all', defaultDescription: 'all' })
        .option('cp-version', { type: 'string', describe: 'Confluent Platform version', defaultDescription: '8.2.0' })
        .option('controller', { type: 'string', choices: ['kraft', 'zookeeper'], describe: 'Metadata quorum; zookeeper only with CP 7.x', defaultDescription: 'kraft' })
        .option('operator-version', { type: 'string', describe: 'Confluent for Kubernetes version', defaultDescription: '3.3.0' })
        .option('chart-version', { type: 'string', describe: 'confluent-for-kubernetes Helm chart version; must be the one docs/versions.md lists for --operator-version' })
        .option('control-center-version', { type: 'string', describe: 'Control Center next-gen version (CP 8)' })
        .option('repo-url', { type: 'string', describe: 'Git URL Argo CD pulls from; default: the --remote URL' })
        .option('cluster', { type: 'string', describe: 'Argo CD destination API server of every environment', defaultDescription: 'https://kubernetes.default.svc' })
        .option('remote', { type: 'string', describe: 'Git remote to push to after the commit (URL or path to a bare repository)' })
        .option('set', { type: 'string', array: true, describe: 'A production option, path=value (repeatable): tls.mode=auto, storage.storageClass=fast, monitoring.podMonitors=true, … (docs/options.md)' })
        .option('github', { type: 'string', describe: 'owner/repo on GitHub: create it if missing (private), push there, and let Argo CD pull its clone URL (token from GITHUB_TOKEN or GH_TOKEN); recorded as gitProvider in cp-gitops.yaml for later commands' })
        .option('github-api-url', { type: 'string', describe: 'GitHub REST API root, for GitHub Enterprise (default: GITHUB_API_URL or https://api.github.com)' })
        .option('gitlab', { type: 'string', describe: 'group/project on GitLab (subgroups allowed: group/sub/project): create the project if missing (private) in that group, push there, and let Argo CD pull its clone URL (token from GITLAB_TOKEN or GL_TOKEN); recorded as gitProvider in cp-gitops.yaml for later commands' })
        .option('gitlab-url', { type: 'string', describe: 'GitLab instance URL, for self-managed GitLab (default: GITLAB_URL or https://gitlab.com)' })
        .option('public', { type: 'boolean', default: false, describe: 'With --github or --gitlab: create a public repository (project)' })
        .option('branch', { type: 'string', default: 'main', describe: 'Branch to commit to, and that Argo CD follows' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and the files; write nothing' })
        .example('$0 init ./my-platform', 'KRaft, dev/staging/prod, every component, committed on main')
        .example('$0 init ./kafka --envs dev,prod --components kafka,schemaregistry', 'A smaller platform')
        .example('$0 init ./legacy --cp-version 7.9.0 --controller zookeeper', 'CP 7.9 with ZooKeeper and the legacy Control Center')
        .example('$0 init ./p --remote /srv/git/p.git --repo-url https://git.example.org/p.git', 'Push to a bare repository; Argo CD pulls over HTTPS')
        .example('$0 init ./p --github acme/kafka-platform', 'Create the private GitHub repository acme/kafka-platform and push to it')
        .example('$0 init ./p --gitlab acme/platform/kafka', 'Create the private GitLab project kafka in the group acme/platform and push to it')
        .example('$0 init ./p --set storage.storageClass=fast-ssd --set monitoring.podMonitors=true', 'Production options, for every environment')
        .example('$0 init ./p --dry-run --json', 'Show what would be written, as JSON') as unknown as Argv<InitArgs>,
    handler: async (args) => {
      // Loaded on use: --help and the other commands never pay for git, GitHub or the validator.
      const { runInit } = await import('./init-run.js');
      await runInit(args, context);
    },
  };
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : value;
  return joined
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

