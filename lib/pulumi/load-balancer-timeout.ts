import * as pulumi from '@pulumi/pulumi';
import { Problem, show } from '../core/problems';

/**
 * How long `pulumi up` waits, by default, for the cloud to give a load balancer its address. A load
 * balancer the cloud's controller refuses never gets one: the update then fails after this, naming the
 * Service, instead of blocking for the provider's default.
 */
export const DEFAULT_LOAD_BALANCER_TIMEOUT = '15m';

const PULUMI_DURATION = /^[1-9][0-9]{0,4}(s|m|h)$/;

/** A problem with a `loadBalancerTimeout` argument, or none. */
export function loadBalancerTimeoutProblems(value: unknown, path = 'loadBalancerTimeout'): Problem[] {
  if (value === undefined) return [];
  return typeof value === 'string' && PULUMI_DURATION.test(value)
    ? []
    : [{ path, message: `${show(value)} is not a duration Pulumi takes for custom timeouts, such as '10m', '90s' or '1h'` }];
}

/** The custom timeouts of a load-balancer Service. */
export function loadBalancerTimeouts(value: string | undefined): pulumi.CustomTimeouts {
  const timeout = value ?? DEFAULT_LOAD_BALANCER_TIMEOUT;
  return { create: timeout, update: timeout };
}
