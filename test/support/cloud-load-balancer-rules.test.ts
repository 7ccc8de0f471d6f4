// The stand-in load-balancer controllers have teeth: hand-written Services that the real controllers
// refuse are refused, each for the documented reason (a stand-in that accepts everything would make
// every cluster test pass).
import { admitLoadBalancer, CloudFacts, ServiceObject } from './cloud-load-balancer-rules';

const AWS: CloudFacts = {
  cloud: 'aws',
  vpcCidrs: ['10.30.0.0/16'],
  subnets: [
    { id: 'subnet-a', zone: 'eu-west-1a', cidr: '10.30.0.0/20' },
    { id: 'subnet-a2', zone: 'eu-west-1a', cidr: '10.30.64.0/20' },
    { id: 'subnet-b', zone: 'eu-west-1b', cidr: '10.30.16.0/20' },
  ],
};

function service(annotations: Record<string, string>, spec: Partial<ServiceObject['spec']> = {}): ServiceObject {
  return { metadata: { name: 'lb', namespace: 'ns', annotations }, spec: { type: 'LoadBalancer', ports: [{ port: 26257, protocol: 'TCP' }], ...spec } };
}
const aws = (extra: Record<string, string>) => ({
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  ...extra,
});
const reason = (facts: CloudFacts, s: ServiceObject, pods = []) => {
  const verdict = admitLoadBalancer(facts, s, pods);
  return verdict.accepted ? 'accepted' : verdict.reason;
};

test('AWS Load Balancer Controller: private IPs, subnets, scheme', () => {
  const key = (k: string) => `service.beta.kubernetes.io/aws-load-balancer-${k}`;
  expect(reason(AWS, service({}))).toContain('not for the AWS Load Balancer Controller');
  // Discovery picks one subnet per AZ (two here), so one private IP is refused.
  expect(reason(AWS, service(aws({ [key('private-ipv4-addresses')]: '10.30.0.10' })))).toBe('count of private-ipv4-addresses (1) and subnets (2) must match');
  expect(reason(AWS, service(aws({ [key('subnets')]: 'subnet-a,subnet-b', [key('private-ipv4-addresses')]: '10.30.0.10,10.30.99.10' }))))
    .toContain('no private IPv4 address inside subnet subnet-b');
  expect(reason(AWS, service(aws({ [key('subnets')]: 'subnet-a,subnet-a2' })))).toContain('one subnet per AZ');
  expect(reason(AWS, service(aws({ [key('subnets')]: 'subnet-zzz' })))).toContain('subnet-zzz not found');
  expect(reason(AWS, service(aws({ [key('scheme')]: 'internet-facing', [key('subnets')]: 'subnet-a', [key('private-ipv4-addresses')]: '10.30.0.10' }))))
    .toContain('internal load balancers only');
  expect(reason(AWS, service(aws({ [key('subnets')]: 'subnet-a', [key('eip-allocations')]: 'eipalloc-1' })))).toContain('internet-facing load balancers only');
  expect(reason(AWS, service(aws({ [key('subnets')]: 'subnet-a,subnet-b', [key('private-ipv4-addresses')]: '10.30.16.10,10.30.0.10' })))).toBe('accepted');
  // No source ranges on an internal NLB: the VPC only.
  expect(admitLoadBalancer(AWS, service(aws({})))).toMatchObject({ accepted: true, sourceRanges: ['10.30.0.0/16'] });
});

test('GKE: mixed protocol by version, the internal class by version, reserved addresses', () => {
  const gke = (version: string, subsetting: boolean): CloudFacts => ({ cloud: 'gcp', version, subsetting, subnetCidr: '10.0.0.0/20', reservedAddresses: {} });
  const mixed = service({ 'networking.gke.io/load-balancer-type': 'Internal' }, { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
  expect(reason(gke('1.36.1-gke.9999999', true), mixed)).toContain('needs GKE 1.36.2-gke.1498000 with subsetting');
  expect(reason(gke('1.36.2-gke.1498000', false), mixed)).toContain('needs GKE 1.36.2-gke.1498000 with subsetting');
  expect(reason(gke('1.36.2-gke.1498000', true), mixed)).toBe('accepted');
  const external = service({}, { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] });
  expect(reason(gke('1.34.0-gke.1', false), external)).toContain('1.34.1');
  expect(reason(gke('1.34.1-gke.1', false), external)).toBe('accepted');
  const byClass = service({}, { loadBalancerClass: 'networking.gke.io/l4-regional-internal' });
  expect(reason(gke('1.33.0-gke.1', true), byClass)).toContain('1.33.1-gke.1779000');
  expect(reason(gke('1.33.1-gke.1779000', true), byClass)).toBe('accepted');
  expect(reason(gke('1.35.0-gke.1', false), service({ 'networking.gke.io/load-balancer-ip-addresses': 'missing' }))).toContain('does not exist');
  expect(reason(gke('1.35.0-gke.1', false), service({ 'networking.gke.io/load-balancer-type': 'Internal' }, { loadBalancerIP: '10.9.0.1' }))).toContain('outside the subnet');
  // Without global access, only clients of the region are served.
  expect(admitLoadBalancer(gke('1.35.0-gke.1', false), service({ 'networking.gke.io/load-balancer-type': 'Internal' }))).toMatchObject({ accepted: true, regionalOnly: true });
});

test('Azure and generic', () => {
  const azure: CloudFacts = { cloud: 'azure', subnets: { nodes: '10.60.0.0/16' } };
  expect(reason(azure, service({ 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'nodes' }))).toContain('only for internal');
  expect(reason(azure, service({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-internal-subnet': 'other' }))).toContain('does not exist');
  expect(reason(azure, service({ 'service.beta.kubernetes.io/azure-load-balancer-internal': 'true', 'service.beta.kubernetes.io/azure-load-balancer-ipv4': '10.61.0.1' }))).toContain('outside subnet');
  expect(reason({ cloud: 'generic', pool: ['10.1.0.1'] }, service({}, { loadBalancerIP: '10.2.0.1' }))).toContain('not in the address pool');
  expect(reason({ cloud: 'generic', pool: ['10.1.0.1'] }, service({}, { type: 'ClusterIP' }))).toContain('is not LoadBalancer');
});
