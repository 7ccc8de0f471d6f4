import { Problem, show } from '../problems';

/** First ASN of the 16-bit private range (RFC 6996). */
export const PRIVATE_ASN_16_FIRST = 64512;
/** Last ASN of the 16-bit private range (RFC 6996). */
export const PRIVATE_ASN_16_LAST = 65534;
/** First ASN of the 32-bit private range (RFC 6996). */
export const PRIVATE_ASN_32_FIRST = 4200000000;
/** Last ASN of the 32-bit private range (RFC 6996). */
export const PRIVATE_ASN_32_LAST = 4294967294;
/** ASN that AWS reserves in every region; never usable on either side. */
export const AWS_RESERVED_ASN = 7224;
/** The Amazon-side ASN AWS uses when none is given (a virtual private gateway's default). */
export const DEFAULT_AWS_ASN = 64512;
/** The Cloud Router ASN this library uses when none is given. */
export const DEFAULT_GCP_ASN = 64514;
/** Largest ASN `aws.ec2.CustomerGateway.bgpAsn` accepts; larger ones go to `bgpAsnExtended`. */
export const AWS_CGW_BGP_ASN_MAX = 2147483647;

/** True for an RFC 6996 private ASN (64512–65534 or 4200000000–4294967294). */
export function isPrivateAsn(asn: number): boolean {
  return (
    Number.isInteger(asn) &&
    ((asn >= PRIVATE_ASN_16_FIRST && asn <= PRIVATE_ASN_16_LAST) || (asn >= PRIVATE_ASN_32_FIRST && asn <= PRIVATE_ASN_32_LAST))
  );
}

/**
 * Checks one BGP ASN: an integer in a private range and not AWS's reserved 7224.
 * @param asn the value the user wrote
 * @param path the field path reported in problems, e.g. `aws.asn`
 */
export function validateAsn(asn: unknown, path: string): Problem[] {
  if (typeof asn !== 'number' || !Number.isInteger(asn)) {
    return [{ path, message: `${show(asn)} is not an integer ASN` }];
  }
  if (asn === AWS_RESERVED_ASN) {
    return [{ path, message: `${asn} is reserved by AWS in every region; use a private ASN (64512–65534 or 4200000000–4294967294)` }];
  }
  if (!isPrivateAsn(asn)) {
    return [
      {
        path,
        message: `${asn} is not a private ASN; use 64512–65534 or 4200000000–4294967294 (RFC 6996; Cloud Router requires a private ASN)`,
      },
    ];
  }
  return [];
}

/**
 * Checks both sides of a BGP session: each ASN private, and the two different (eBGP).
 */
export function validateAsnPair(gcpAsn: unknown, awsAsn: unknown, gcpPath = 'gcp.asn', awsPath = 'aws.asn'): Problem[] {
  const problems = [...validateAsn(gcpAsn, gcpPath), ...validateAsn(awsAsn, awsPath)];
  if (problems.length === 0 && gcpAsn === awsAsn) {
    problems.push({
      path: awsPath,
      message: `${show(awsAsn)} equals ${gcpPath} (${show(gcpAsn)}); the two sides of an eBGP session need different ASNs`,
    });
  }
  return problems;
}

/**
 * The customer-gateway fields for a peer ASN. AWS v7 types the ASN as a **string**, and
 * ASNs above 2147483647 go to `bgpAsnExtended` instead of `bgpAsn`.
 */
export function awsCustomerGatewayAsn(asn: number): { readonly bgpAsn?: string; readonly bgpAsnExtended?: string } {
  return asn > AWS_CGW_BGP_ASN_MAX ? { bgpAsnExtended: String(asn) } : { bgpAsn: String(asn) };
}
