import { DnsForward } from '../core/plan';

/** Marks the start of the server blocks this library owns inside a Corefile. */
export const COREFILE_BEGIN = '# crosscluster:begin (generated; edits between these markers are replaced)';
/** Marks the end of the server blocks this library owns. */
export const COREFILE_END = '# crosscluster:end';

/**
 * The default server block of a kubeadm/EKS CoreDNS, for `clusterDomain`. `reload` makes CoreDNS
 * re-read the whole Corefile when the ConfigMap changes, so forwarding changes need no restart.
 */
export function defaultCorefileServerBlock(clusterDomain: string): string {
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '        lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
    '        pods insecure',
    '        fallthrough in-addr.arpa ip6.arpa',
    '        ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '        max_concurrent 1000',
    '    }',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
  ].join('\n');
}

/** One server block per remote cluster: its service domain goes to its DNS load balancer. */
export function forwardServerBlocks(forwards: readonly DnsForward[]): string {
  return forwards
    .map((f) => {
      if (f.servers.length === 0) {
        throw new Error(`crosscluster: the DNS address of cluster '${f.cluster}' is not known; cannot forward ${f.domain}`);
      }
      return [
        `${f.domain}:53 {`,
        '    errors',
        '    cache 30',
        `    forward . ${f.servers.join(' ')}${f.forceTcp ? ' {' : ''}`,
        ...(f.forceTcp ? ['        force_tcp', '    }'] : []),
        '}',
      ].join('\n');
    })
    .join('\n');
}

/** The marked section holding the forwarding blocks. */
export function forwardingSection(forwards: readonly DnsForward[]): string {
  return `${COREFILE_BEGIN}\n${forwardServerBlocks(forwards)}\n${COREFILE_END}`;
}

/** A complete Corefile: the default server block, then the forwarding section. */
export function completeCorefile(clusterDomain: string, forwards: readonly DnsForward[]): string {
  return `${defaultCorefileServerBlock(clusterDomain)}\n${forwardingSection(forwards)}\n`;
}

/**
 * Puts the forwarding section into an existing Corefile, keeping everything else as it is:
 * the marked section is replaced when present, appended otherwise. Applying it twice gives the
 * same text. Use it where a cluster's Corefile has been customized.
 */
export function mergeCorefile(existing: string, forwards: readonly DnsForward[]): string {
  const section = forwardingSection(forwards);
  const begin = existing.indexOf(COREFILE_BEGIN);
  const end = existing.indexOf(COREFILE_END);
  if (begin >= 0 && end > begin) {
    return existing.slice(0, begin) + section + existing.slice(end + COREFILE_END.length);
  }
  const base = existing.endsWith('\n') || existing.length === 0 ? existing : `${existing}\n`;
  return `${base}${section}\n`;
}
