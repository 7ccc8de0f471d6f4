/** How many tunnels a {@link planCrossCloudVpn} builds: 4 for the 99.99% SLA, 2 for tests. */
export type TunnelCount = 2 | 4;

/** Where one tunnel ends on both clouds. */
export interface TunnelEnds {
  /** Tunnel index 0…n−1; also the `ExternalVpnGateway` interface id. */
  readonly index: number;
  /** The HA VPN gateway interface (0 or 1) the tunnel leaves from. */
  readonly haInterface: 0 | 1;
  /** The `ExternalVpnGateway` interface id (0–3) it goes to. */
  readonly externalInterface: number;
  /** The AWS VPN connection (0 = A, 1 = B); connection k uses customer gateway k. */
  readonly connection: 0 | 1;
  /** The tunnel of that connection (1 or 2), i.e. the `tunnel1…`/`tunnel2…` field prefix. */
  readonly connectionTunnel: 1 | 2;
}

/** `ExternalVpnGateway.redundancyType` for a tunnel count. */
export function redundancyType(tunnels: TunnelCount): 'FOUR_IPS_REDUNDANCY' | 'TWO_IPS_REDUNDANCY' {
  return tunnels === 4 ? 'FOUR_IPS_REDUNDANCY' : 'TWO_IPS_REDUNDANCY';
}

/**
 * The documented interface-to-tunnel mapping (GCP "Connect HA VPN to AWS peer gateways"):
 *
 * - 4 tunnels: external interfaces `0 = A.tunnel1, 1 = A.tunnel2, 2 = B.tunnel1, 3 = B.tunnel2`;
 *   HA interface 0 → external 0 and 1 (connection A, whose customer gateway is HA interface 0's IP);
 *   HA interface 1 → external 2 and 3 (connection B, customer gateway = HA interface 1's IP).
 * - 2 tunnels (no SLA; for tests): one connection A on HA interface 0's IP, both tunnels from
 *   HA interface 0, external gateway `TWO_IPS_REDUNDANCY` with `0 = A.tunnel1, 1 = A.tunnel2`.
 *   A tunnel must leave from the IP its AWS customer gateway names, so HA interface 1 is unused.
 */
export function tunnelLayout(tunnels: TunnelCount): TunnelEnds[] {
  const ends: TunnelEnds[] = [];
  for (let index = 0; index < tunnels; index++) {
    const connection = index < 2 ? 0 : 1;
    ends.push({
      index,
      haInterface: connection,
      externalInterface: index,
      connection,
      connectionTunnel: index % 2 === 0 ? 1 : 2,
    });
  }
  return ends;
}

/** Number of AWS VPN connections (and customer gateways) for a tunnel count. */
export function connectionCount(tunnels: TunnelCount): 1 | 2 {
  return tunnels === 4 ? 2 : 1;
}
