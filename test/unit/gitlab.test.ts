import { expect } from 'chai';
import { gitLabAuthEnvironment, gitLabGitUrls, scopedLabel } from '../../src/adapters/gitlab.js';
import { GitLabError } from '../../src/adapters/gitlab-errors.js';
import { checkGitLabProject, resolveGitLabApiUrl, resolveGitLabToken } from '../../src/adapters/gitlab-provider.js';
import { providerFlag } from '../../src/cli/commands/git-provider.js';
import { UsageError } from '../../src/errors.js';
import { gitLabProviderRecord, gitlabProjectOfRemote } from '../../src/model/git-provider.js';

// The GitLab adapter's pure parts: what the CLI accepts, where the token may go, how labels and the
// record look. The requests themselves are tested through bin/ in test/e2e/gitlab-flow.test.ts.

describe('GitLab provider: flags, URLs, token, labels', () => {
  it('the token comes from GITLAB_TOKEN, else GL_TOKEN; neither is a gitlab-token-missing error', () => {
    expect(resolveGitLabToken({ GITLAB_TOKEN: ' a ', GL_TOKEN: 'b' })).to.equal('a');
    expect(resolveGitLabToken({ GL_TOKEN: 'b' })).to.equal('b');
    expect(() => resolveGitLabToken({ GITLAB_TOKEN: ' ' })).to.throw(GitLabError, 'neither GITLAB_TOKEN nor GL_TOKEN');
  });

  it('the API root: flag, then GITLAB_URL, then the record, then gitlab.com; /api/v4 derived or kept', () => {
    expect(resolveGitLabApiUrl(undefined, {})).to.equal('https://gitlab.com/api/v4');
    expect(resolveGitLabApiUrl(undefined, {}, 'https://git.example.org/api/v4')).to.equal('https://git.example.org/api/v4');
    expect(resolveGitLabApiUrl(undefined, { GITLAB_URL: 'https://gitlab.example.com/' }, 'https://x/api/v4')).to.equal('https://gitlab.example.com/api/v4');
    expect(resolveGitLabApiUrl('https://h.example/gitlab/api/v4', { GITLAB_URL: 'https://other' })).to.equal('https://h.example/gitlab/api/v4');
    expect(() => resolveGitLabApiUrl('ftp://h', {})).to.throw(UsageError, 'http(s)');
    expect(() => resolveGitLabApiUrl('https://user:secret@h', {})).to.throw(UsageError, 'without user, password');
  });

  it('security: a plain-HTTP GitLab off this machine is refused before the token is sent; loopback is allowed', () => {
    expect(() => resolveGitLabApiUrl('http://gitlab.example.com', {})).to.throw(UsageError, /^--gitlab-url is plain HTTP \(gitlab\.example\.com\): the token would be sent in clear/);
    expect(() => resolveGitLabApiUrl(undefined, { GITLAB_URL: 'http://gitlab.internal' })).to.throw(UsageError, /^GITLAB_URL is plain HTTP/);
    expect(resolveGitLabApiUrl('http://127.0.0.1:9000', {})).to.equal('http://127.0.0.1:9000/api/v4');
  });

  it('project paths: nested groups allowed, a bare name refused with an example', () => {
    expect(checkGitLabProject('acme/platform/kafka')).to.equal('acme/platform/kafka');
    expect(checkGitLabProject('acme/kafka.git')).to.equal('acme/kafka');
    expect(() => checkGitLabProject('kafka')).to.throw(UsageError, 'is not group/project');
  });

  it('--github and --gitlab together are a usage error; each alone picks its provider', () => {
    expect(() => providerFlag({ github: 'a/b', gitlab: 'a/b' })).to.throw(UsageError, '--github and --gitlab');
    expect(providerFlag({ gitlab: 'a/b/c', 'gitlab-url': 'https://g' })).to.include({ repository: 'a/b/c', url: 'https://g' });
    expect(providerFlag({ gitlab: 'a/b/c' })!.factory.type).to.equal('gitlab');
    expect(providerFlag({ github: 'a/b' })!.factory.type).to.equal('github');
    expect(providerFlag({})).to.equal(undefined);
  });

  it('a gitlab.com remote names its project, as glab reads it; other hosts do not', () => {
    expect(gitlabProjectOfRemote('https://gitlab.com/acme/platform/kafka.git')).to.equal('acme/platform/kafka');
    expect(gitlabProjectOfRemote('git@gitlab.com:acme/kafka.git')).to.equal('acme/kafka');
    expect(gitlabProjectOfRemote('https://gitlab.example.com/acme/kafka.git')).to.equal(undefined);
    expect(gitlabProjectOfRemote('https://github.com/acme/kafka.git')).to.equal(undefined);
  });

  it('the token goes to git only for the instance\'s HTTPS root and an HTTPS clone URL, as Basic oauth2:<token>', () => {
    expect(gitLabGitUrls('https://gitlab.com/api/v4')).to.deep.equal(['https://gitlab.com/']);
    expect(gitLabGitUrls('https://h.example/gitlab/api/v4', 'https://mirror.example/acme/k.git')).to.deep.equal(['https://h.example/gitlab/', 'https://mirror.example/acme/k.git']);
    expect(gitLabGitUrls('http://h.example/api/v4', 'http://h.example/acme/k.git'), 'never plain HTTP').to.deep.equal([]);
    const env = gitLabAuthEnvironment('tok', ['https://gitlab.com/'], { GIT_CONFIG_COUNT: '1' });
    expect(env).to.include({ GIT_CONFIG_COUNT: '2', GIT_CONFIG_KEY_1: 'http.https://gitlab.com/.extraHeader', GIT_TERMINAL_PROMPT: '0' });
    expect(env.GIT_CONFIG_VALUE_1).to.equal(`Authorization: Basic ${Buffer.from('oauth2:tok').toString('base64')}`);
  });

  it('labels become scoped labels; the record keeps the API root only for a self-managed instance', () => {
    expect(['env:dev', 'component:connect', 'day2:scale', 'env::prod'].map(scopedLabel)).to.deep.equal(['env::dev', 'component::connect', 'day2::scale', 'env::prod']);
    expect(gitLabProviderRecord('acme/p', 'https://gitlab.com/api/v4')).to.deep.equal({ type: 'gitlab', repository: 'acme/p' });
    expect(gitLabProviderRecord('acme/p', 'https://g.example/api/v4/')).to.deep.equal({ type: 'gitlab', repository: 'acme/p', apiUrl: 'https://g.example/api/v4' });
  });
});
