// The mocked GCP and AWS APIs the VPN and peering tests share: records every registration.
import * as pulumi from '@pulumi/pulumi';

// Recorded resource registrations (component and custom resources).
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly custom: boolean;
}
export const registered: Registered[] = [];

export const SIG = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
/** True for a value that reached the engine marked secret. */
export function isSecretValue(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}
/** Removes secret wrappers, to compare values. */
export function plain(v: any): any {
  if (isSecretValue(v)) return plain(v.value);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}
export function hostOf(cidr: string, offset: number): string {
  const [ip] = cidr.split('/');
  const parts = ip.split('.').map(Number);
  parts[3] += offset;
  return parts.join('.');
}

export const AWS_GENERATED_KEY = 'AwsGenerated_key.';

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
        const state: Record<string, any> = { ...args.inputs, name: args.inputs.name ?? args.name };
        switch (args.type) {
          case 'gcp:compute/haVpnGateway:HaVpnGateway':
            state.vpnInterfaces = [
              { id: 0, ipAddress: '35.242.10.1' },
              { id: 1, ipAddress: '35.242.10.2' },
            ];
            break;
          case 'aws:ec2/vpnConnection:VpnConnection': {
            const k = Number(args.name.split('-').pop());
            for (const t of [1, 2]) {
              const cidr = plain(args.inputs[`tunnel${t}InsideCidr`]);
              state[`tunnel${t}Address`] = `52.1.${k}.${t}`;
              state[`tunnel${t}VgwInsideAddress`] = hostOf(cidr, 1);
              state[`tunnel${t}CgwInsideAddress`] = hostOf(cidr, 2);
              state[`tunnel${t}PresharedKey`] = args.inputs[`tunnel${t}PresharedKey`] ?? `${AWS_GENERATED_KEY}${k}${t}`;
            }
            break;
          }
          case 'aws:ec2transitgateway/transitGateway:TransitGateway':
            state.associationDefaultRouteTableId = `tgw-rtb-${args.name}`;
            break;
        }
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    'crosscluster',
    'test',
    false,
  );
});

beforeEach(() => {
  registered.length = 0;
});

/** Waits until no new resource has been registered for a few ticks. */
export async function settle(): Promise<void> {
  let last = -1;
  let stable = 0;
  while (stable < 5) {
    await new Promise((r) => setTimeout(r, 10));
    if (registered.length === last) {stable++;} else {
      stable = 0;
      last = registered.length;
    }
  }
}
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}
export function ofType(type: string): Registered[] {
  return registered.filter((r) => r.type === type);
}
