/**
 * What a client needs to use a repository, as text: apt's deb822 .sources
 * entry (Signed-By the keyring) and dnf's .repo section (gpgcheck and
 * repo_gpgcheck with the key file), and the one line that installs them.
 */

export interface AptClientInput {
  /** Repository name: names the keyring and the .sources file on the client. */
  readonly name: string;
  /** Where clients reach the repository root: https://..., file:///srv/repo. */
  readonly url: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** The keyring file's name in the repository, when it is signed. */
  readonly keyring?: string;
  /** A package to name in the install line. */
  readonly example: string;
}

const keyringOnClient = (name: string): string => `/etc/apt/keyrings/${name}.gpg`;
const slash = (url: string): string => url.replace(/\/+$/, '');

/** The .sources file (sources.list(5), deb822 style). An unsigned repository is marked Trusted. */
export function aptSources(c: AptClientInput): string {
  const trust = c.keyring ? `Signed-By: ${keyringOnClient(c.name)}` : 'Trusted: yes';
  return `Types: deb\nURIs: ${slash(c.url)}\nSuites: ${c.suites.join(' ')}\nComponents: ${c.components.join(' ')}\n${trust}\n`;
}

/** One shell line that adds the repository to a Debian host and installs `example`. */
export function aptInstallLine(c: AptClientInput): string {
  const url = slash(c.url);
  const key = c.keyring ? `curl -fsSLo ${keyringOnClient(c.name)} ${url}/${c.keyring} && ` : '';
  return `sudo sh -c 'install -d /etc/apt/keyrings && ${key}curl -fsSLo /etc/apt/sources.list.d/${c.name}.sources ${url}/${c.name}.sources && apt-get update && apt-get install -y ${c.example}'`;
}

export interface DnfClientInput {
  readonly name: string;
  readonly url: string;
  /** The armored key file's name in the repository, when it is signed. */
  readonly keyFile?: string;
  /** Whether the packages themselves carry header signatures (gpgcheck). */
  readonly packagesSigned: boolean;
  readonly example: string;
}

/** The .repo file (dnf.conf(5) repository section); a repository that fails its checks is an error, not silently skipped. */
export function dnfRepo(c: DnfClientInput): string {
  const url = slash(c.url);
  const lines = [`[${c.name}]`, `name=${c.name}`, `baseurl=${url}`, 'enabled=1', `gpgcheck=${c.keyFile && c.packagesSigned ? 1 : 0}`, `repo_gpgcheck=${c.keyFile ? 1 : 0}`, 'skip_if_unavailable=False'];
  if (c.keyFile) lines.push(`gpgkey=${url}/${c.keyFile}`);
  return `${lines.join('\n')}\n`;
}

/** One shell line that adds the repository to a dnf host and installs `example`. */
export function dnfInstallLine(c: DnfClientInput): string {
  return `sudo sh -c 'curl -fsSLo /etc/yum.repos.d/${c.name}.repo ${slash(c.url)}/${c.name}.repo && dnf install -y ${c.example}'`;
}
