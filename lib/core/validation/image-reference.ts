/**
 * Container image references, checked with the grammar of the reference implementation,
 * github.com/distribution/reference (regexp.go), which containerd, CRI-O and the kubelet use:
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path-component { "/" path-component }   (at most 255 characters)
 *   domain    := host [ ":" port ]   (the first component, when it has '.' or ':' or is 'localhost')
 *   path-component := [a-z0-9]+ { ( [._] | "__" | "-"+ ) [a-z0-9]+ }
 *   tag       := [\w][\w.-]{0,127}
 *   digest    := algorithm ":" hex   (the OCI-registered sha256 / sha512 only)
 *
 * Hand-written rather than taken from npm: the npm ports of that grammar
 * (@swimlane/docker-reference, @codefresh-io/docker-reference) keep an older separator
 * (`[-]*`) that nests quantifiers and backtracks exponentially (9 s for 28 characters), which
 * hostile input must not be able to trigger. Every piece here is matched by an unambiguous,
 * length-bounded pattern.
 */

import { show } from '../problems';

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const PORT = /^\d{1,5}$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]{2,45}\]$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGESTS: Readonly<Record<string, RegExp>> = { sha256: /^[a-f0-9]{64}$/, sha512: /^[a-f0-9]{128}$/ };
const NAME_MAX_LENGTH = 255;

/** A parsed image reference. */
export interface ImageReference {
  /** `[domain/]path`, without tag or digest. */
  readonly name: string;
  readonly tag?: string;
  /** `sha256:<64 hex>` or `sha512:<128 hex>`. */
  readonly digest?: string;
}

/** Parses an image reference, or returns what is wrong with it. */
export function parseImageReference(text: unknown): ImageReference | string {
  if (typeof text !== 'string' || text.length === 0) return 'is not an image reference';
  if (text.length > NAME_MAX_LENGTH + 130 + 140) return `is ${text.length} characters long; an image reference is at most about 500`;
  const at = text.indexOf('@');
  let digest: string | undefined;
  let rest = text;
  if (at >= 0) {
    digest = text.slice(at + 1);
    rest = text.slice(0, at);
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    const pattern = colon > 0 ? DIGESTS[algorithm] : undefined;
    if (!pattern || !Object.prototype.hasOwnProperty.call(DIGESTS, algorithm) || !pattern.test(digest.slice(colon + 1))) {
      return `has the digest ${show(digest)}, which is not 'sha256:' and 64 lower-case hex digits (or 'sha512:' and 128)`;
    }
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return `has the tag ${show(tag)}; a tag is letters, digits, '_', '.' and '-' (not first), at most 128`;
  }
  if (rest.length === 0 || rest.length > NAME_MAX_LENGTH) return `has a repository name of ${rest.length} characters; it must be 1–${NAME_MAX_LENGTH}`;
  const components = rest.split('/');
  const first = components[0];
  if (components.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const problem = domainProblem(first);
    if (problem) return problem;
    components.shift();
  }
  for (const component of components) {
    if (!PATH_COMPONENT.test(component)) {
      return `has the path component ${show(component)}; repository paths are lower-case letters and digits separated by '.', '_', '__' or '-'`;
    }
  }
  return { name: rest, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

function domainProblem(domain: string): string | undefined {
  let host = domain;
  const portAt = domain.startsWith('[') ? domain.indexOf(']:') + 1 : domain.lastIndexOf(':');
  if (portAt > 0) {
    const port = domain.slice(portAt + 1);
    host = domain.slice(0, portAt);
    if (!PORT.test(port) || Number(port) > 65535) return `has the registry port ${show(port)}, which is not a port number`;
  }
  if (IPV6_HOST.test(host)) return undefined;
  if (host.length > 253 || !host.split('.').every((c) => DOMAIN_COMPONENT.test(c))) {
    return `has the registry host ${show(host)}, which is not a host name`;
  }
  return undefined;
}

/** The reference text of a parsed reference. */
export function formatImageReference(reference: ImageReference): string {
  return `${reference.name}${reference.tag !== undefined ? `:${reference.tag}` : ''}${reference.digest !== undefined ? `@${reference.digest}` : ''}`;
}
