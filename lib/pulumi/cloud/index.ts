// Cloud resources for cluster DNS, kept out of the database components' module graph: importing this
// file loads @pulumi/aws and @pulumi/gcp.
export { EksCorednsAddon, EksCorednsAddonArgs } from './eks-coredns-addon';
export { GkeCloudDnsForwarding, GkeCloudDnsForwardingArgs } from './gke-cloud-dns-forwarding';
