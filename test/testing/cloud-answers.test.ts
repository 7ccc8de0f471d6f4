// The shipped mocks answer like the clouds: these are the answers, as pure functions.
import { computedAttributes, loadBalancerIngress, MOCK_AWS_PSK_PREFIX } from 'crosscluster/pulumi/testing';

function service(annotations: Record<string, string> = {}, spec: Record<string, unknown> = {}, name = 'cockroachdb-0-lb') {
  return { metadata: { name, namespace: 'db', annotations }, spec: { type: 'LoadBalancer', ...spec } };
}

describe('loadBalancerIngress', () => {
  test('AWS load balancers report a hostname shaped like an NLB\'s, never an IP', () => {
    const ingress = loadBalancerIngress(service({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'external' }), 'eks/db/x', new Set());
    expect(ingress.ip).toBeUndefined();
    expect(ingress.hostname).toMatch(/^k8s-db-cockroac-[0-9a-f]{10}\.elb\.example\.com$/);
  });

  test('a pinned address is the address the cloud reports', () => {
    expect(loadBalancerIngress(service({}, { loadBalancerIP: '10.1.2.3' }), 'gke/db/x', new Set())).toEqual({ ip: '10.1.2.3' });
    expect(loadBalancerIngress(service({ 'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.9.8.7' }), 'aks/db/x', new Set()))
      .toEqual({ ip: '10.9.8.7' });
  });

  test('internal load balancers get private addresses, the others addresses reserved for tests', () => {
    const internal = loadBalancerIngress(service({ 'networking.gke.io/load-balancer-type': 'Internal' }), 'gke/db/a', new Set());
    expect(internal.ip).toMatch(/^10\.250\.\d+\.\d+$/);
    const external = loadBalancerIngress(service(), 'gke/db/b', new Set());
    expect(external.ip).toMatch(/^198\.1[89]\.\d+\.\d+$/);
  });

  test('addresses are a stable function of the Service and never handed out twice', () => {
    const taken = new Set<string>();
    const ips = Array.from({ length: 2000 }, (_, i) => loadBalancerIngress(service({ 'networking.gke.io/load-balancer-type': 'Internal' }), `c/db/s${i}`, taken).ip);
    expect(new Set(ips).size).toBe(2000);
    expect(loadBalancerIngress(service(), 'c/db/same', new Set())).toEqual(loadBalancerIngress(service(), 'c/db/same', new Set()));
  });
});

describe('computedAttributes', () => {
  test('an AWS VPN connection gets outside and inside tunnel addresses and, without your key, a stand-in for AWS\'s', () => {
    const state = computedAttributes('aws:ec2/vpnConnection:VpnConnection', 'vpn-connection-1', { tunnel1InsideCidr: '169.254.21.0/30' });
    expect(state).toMatchObject({
      tunnel1Address: '52.1.1.1',
      tunnel1VgwInsideAddress: '169.254.21.1',
      tunnel1CgwInsideAddress: '169.254.21.2',
      tunnel1PresharedKey: `${MOCK_AWS_PSK_PREFIX}11`,
    });
    // AWS's key alphabet: 8 to 64 of letters, digits, underscore and dot.
    expect(state.tunnel2PresharedKey).toMatch(/^[A-Za-z0-9_.]{8,64}$/);
  });

  test('@pulumi/tls resources get stand-ins that are plainly not key material', () => {
    const key = computedAttributes('tls:index/privateKey:PrivateKey', 'ca-key', {});
    for (const value of Object.values(key)) expect(String(value)).not.toMatch(/BEGIN|PRIVATE KEY/);
    expect(key.privateKeyPem).toContain('not key material');
    expect(computedAttributes('tls:index/selfSignedCert:SelfSignedCert', 'ca', {}).certPem).toMatch(/^-----BEGIN CERTIFICATE-----\nmock certificate of ca\n/);
  });

  test('a GCP HA VPN gateway reports its two interfaces', () => {
    expect(computedAttributes('gcp:compute/haVpnGateway:HaVpnGateway', 'gw', {}).vpnInterfaces).toEqual([
      { id: 0, ipAddress: '35.242.10.1' }, { id: 1, ipAddress: '35.242.10.2' },
    ]);
  });

  test('other types compute nothing: the mocks echo their inputs', () => {
    expect(computedAttributes('kubernetes:apps/v1:StatefulSet', 'db', { spec: {} })).toEqual({});
  });
});
