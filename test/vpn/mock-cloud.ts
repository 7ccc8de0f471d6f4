// The VPN and peering tests run on the mocks the package ships (crosscluster/pulumi/testing), as
// a user's tests would; this file keeps the names those tests use and resets the record per test.
import * as pulumi from '@pulumi/pulumi';
import { CloudMocks, isSecretValue, MOCK_AWS_PSK_PREFIX, MockedResource, outputValue, unwrapSecrets } from 'crosscluster/pulumi/testing';

export { isSecretValue };

/** A recorded registration (component or custom resource). */
export type Registered = MockedResource;

const mocks = new CloudMocks({ project: 'crosscluster', stack: 'test' });

/** Every registration of the running test, in order. */
export const registered: Registered[] = mocks.resources;

/** The prefix of the stand-ins for AWS-generated pre-shared keys. */
export const AWS_GENERATED_KEY = MOCK_AWS_PSK_PREFIX;

/** Removes secret wrappers, to compare values. */
export const plain = unwrapSecrets;

beforeAll(async () => {
  await pulumi.runtime.setMocks(mocks, 'crosscluster', 'test', false);
});

beforeEach(() => {
  mocks.reset();
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

export const valueOf: <T>(o: pulumi.Output<T>) => Promise<T> = outputValue;

export function ofType(type: string): Registered[] {
  return mocks.ofType(type);
}
