/** Labels a selector matches, as in a Kubernetes label selector's `matchLabels`. */
export type MatchLabels = Readonly<Record<string, string>>;

/**
 * A client the database NetworkPolicy admits, in the shape of a Kubernetes `NetworkPolicyPeer`:
 * pods by labels (in the database namespace, or in namespaces matched by `namespaceSelector`), or
 * an address block.
 */
export interface DatabaseClient {
  /** Pods with these labels. @default - every pod of the matched namespaces */
  readonly podSelector?: MatchLabels;
  /** Namespaces with these labels. @default - the database namespace */
  readonly namespaceSelector?: MatchLabels;
  /** An address block instead of pods (for example an application VPC). @default - none */
  readonly cidr?: string;
}

/** Options of the NetworkPolicy in front of the database pods. */
export interface DatabaseNetworkPolicyOptions {
  /**
   * Emit the policy. Turn it off only when another policy engine guards the database pods.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * SQL clients admitted besides the database's own pods and Jobs and the clusters' pod and node CIDRs.
   * @default []
   */
  readonly clients?: readonly DatabaseClient[];
}
