// What the clouds and Kubernetes compute for the resources this library creates, as pure
// functions of a registration, so mocked programs see outputs shaped like the real ones.
import { createHash } from 'crypto';
import { unwrapSecrets } from './secret-values';

/** One entry of a Service's `.status.loadBalancer.ingress`. */
export interface LoadBalancerIngress {
  /** Set where the cloud reports an IP (GKE, AKS, bare metal, a pinned address). */
  readonly ip?: string;
  /** Set where the cloud reports a DNS name (AWS load balancers). */
  readonly hostname?: string;
}

/** The Corefile the mocked clusters run before anything patches it (an EKS-like default). */
export const MOCK_EXISTING_COREFILE = [
  '.:53 {',
  '    errors',
  '    health',
  '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
  '      pods insecure',
  '      fallthrough in-addr.arpa ip6.arpa',
  '    }',
  '    prometheus :9153',
  '    forward . /etc/resolv.conf',
  '    cache 30',
  '    loop',
  '    reload',
  '    loadbalance',
  '}',
  '',
].join('\n');

/** The prefix of the stand-ins for the pre-shared keys AWS generates (`<prefix><connection><tunnel>`). */
export const MOCK_AWS_PSK_PREFIX = 'mock_aws_psk.';

/** The stand-in that replaces every private key and pre-shared key: plainly not key material. */
export function standInSecret(kind: string, name: string): string {
  return `mock ${kind} of ${name} (not key material)`;
}

/** Stable, well-spread bytes derived from a name (the first bytes of its SHA-256). */
function digestOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

const AWS_LB_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';

/** True when the annotations ask for an internal load balancer in any cloud. */
function isInternal(annotations: Record<string, string>): boolean {
  return annotations['networking.gke.io/load-balancer-type'] === 'Internal'
    || annotations['service.beta.kubernetes.io/azure-load-balancer-internal'] === 'true'
    || annotations[`${AWS_LB_ANNOTATION}scheme`] === 'internal';
}

/**
 * What a cloud's load-balancer controller writes into `.status.loadBalancer.ingress` for a
 * `type: LoadBalancer` Service: on AWS (the Service carries AWS load-balancer annotations) a
 * DNS name shaped like an NLB's; elsewhere the pinned address when the Service pins one
 * (`spec.loadBalancerIP`, the Azure address annotations), else an address from a pool:
 * `10.250.0.0/16` for internal load balancers, `198.18.0.0/15` (reserved for tests) for the others.
 * The address is a stable function of `key` (cluster, namespace, name); `taken` avoids
 * handing one address to two Services.
 */
export function loadBalancerIngress(service: any, key: string, taken: Set<string>): LoadBalancerIngress {
  const metadata = service?.metadata ?? {};
  const annotations: Record<string, string> = metadata.annotations ?? {};
  if (Object.keys(annotations).some((a) => a.startsWith(AWS_LB_ANNOTATION))) {
    const short = (s: unknown) => String(s ?? '').slice(0, 8);
    const hex = digestOf(key).toString('hex').slice(0, 10);
    return { hostname: `k8s-${short(metadata.namespace)}-${short(metadata.name)}-${hex}.elb.example.com` };
  }
  const pinned = service?.spec?.loadBalancerIP
    ?? annotations['service.beta.kubernetes.io/azure-load-balancer-ipv4']
    ?? annotations['service.beta.kubernetes.io/azure-load-balancer-ipv6'];
  if (typeof pinned === 'string' && pinned !== '') {
    taken.add(pinned);
    return { ip: pinned };
  }
  const internal = isInternal(annotations);
  for (let attempt = 0; ; attempt++) {
    const [a, b, c] = digestOf(attempt === 0 ? key : `${key}#${attempt}`);
    const ip = internal ? `10.250.${b}.${c % 254 + 1}` : `198.${18 + a % 2}.${b}.${c % 254 + 1}`;
    if (!taken.has(ip)) {
      taken.add(ip);
      return { ip };
    }
  }
}

/** The host `offset` addresses into an IPv4 CIDR block (`169.254.10.0/30`, 1 → `169.254.10.1`). */
function hostOf(cidr: string, offset: number): string {
  const [a, b, c, d] = cidr.split('/')[0].split('.').map(Number);
  return `${a}.${b}.${c}.${d + offset}`;
}

/**
 * What GCP, AWS and `@pulumi/tls` compute for a resource beyond its inputs: the HA VPN
 * gateway's interface IPs, each AWS VPN tunnel's outside address, inside addresses and
 * pre-shared key (your key when given, else a stand-in for the one AWS generates), transit
 * gateway route tables, and stand-ins for keys, CSRs and certificates. Empty for other types.
 */
export function computedAttributes(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case 'gcp:compute/haVpnGateway:HaVpnGateway':
      return {
        vpnInterfaces: [{ id: 0, ipAddress: '35.242.10.1' }, { id: 1, ipAddress: '35.242.10.2' }],
        selfLink: `https://www.googleapis.com/compute/v1/projects/mock/regions/mock/vpnGateways/${name}`,
      };
    case 'aws:ec2/vpnConnection:VpnConnection': {
      const index = Number(name.split('-').pop()) || 0;
      const state: Record<string, unknown> = {};
      for (const t of [1, 2]) {
        const cidr = String(unwrapSecrets(inputs[`tunnel${t}InsideCidr`]) ?? `169.254.${10 + 2 * index + t}.0/30`);
        state[`tunnel${t}Address`] = `52.1.${index}.${t}`;
        state[`tunnel${t}VgwInsideAddress`] = hostOf(cidr, 1);
        state[`tunnel${t}CgwInsideAddress`] = hostOf(cidr, 2);
        state[`tunnel${t}BgpAsn`] = String(unwrapSecrets(inputs.amazonSideAsn) ?? 64512);
        // AWS keys are 8-64 of [A-Za-z0-9_.]; the stand-in has that shape and says what it is.
        state[`tunnel${t}PresharedKey`] = inputs[`tunnel${t}PresharedKey`] ?? `${MOCK_AWS_PSK_PREFIX}${index}${t}`;
      }
      return state;
    }
    case 'aws:ec2transitgateway/transitGateway:TransitGateway':
      return { associationDefaultRouteTableId: `tgw-rtb-${name}`, propagationDefaultRouteTableId: `tgw-rtb-${name}` };
    case 'tls:index/privateKey:PrivateKey':
      return {
        privateKeyPem: standInSecret('private key', name),
        privateKeyPemPkcs8: standInSecret('private key', name),
        privateKeyOpenssh: standInSecret('private key', name),
        publicKeyPem: `mock public key of ${name}`,
      };
    case 'tls:index/certRequest:CertRequest':
      return { certRequestPem: `mock certificate request of ${name}` };
    case 'tls:index/selfSignedCert:SelfSignedCert':
    case 'tls:index/locallySignedCert:LocallySignedCert':
      // PEM-framed so code that splits a bundle on the markers still works; the body is not DER.
      return { certPem: `-----BEGIN CERTIFICATE-----\nmock certificate of ${name}\n-----END CERTIFICATE-----\n` };
    default:
      return {};
  }
}

/**
 * What the clouds answer to the provider functions (invokes) crosscluster calls: `aws.lb.getLoadBalancer`
 * by name gives an NLB's DNS name (`<name>-<hex>.elb.<region>.amazonaws.com`, as AWS shapes them), its
 * ARN and the canonical hosted zone of its region (a stand-in id, the same for one region). Empty for
 * other functions.
 */
export function invokeAnswer(token: string, inputs: Record<string, any>): Record<string, unknown> {
  if (token === 'aws:lb/getLoadBalancer:getLoadBalancer') {
    const name = String(inputs.name ?? 'nlb');
    const region = String(inputs.region ?? 'us-east-1');
    const hex = digestOf(`${region}/${name}`).toString('hex');
    return {
      name,
      arn: `arn:aws:elasticloadbalancing:${region}:123456789012:loadbalancer/net/${name}/${hex.slice(0, 16)}`,
      arnSuffix: `net/${name}/${hex.slice(0, 16)}`,
      dnsName: `${name}-${hex.slice(0, 16)}.elb.${region}.amazonaws.com`,
      zoneId: `Z${digestOf(region).toString('hex').slice(0, 12).toUpperCase()}`,
      loadBalancerType: 'network',
    };
  }
  return {};
}
