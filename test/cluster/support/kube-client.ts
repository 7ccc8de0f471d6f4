// A small JSON client for the simulated API servers: the harness's own controllers (the stand-in
// cloud load-balancer controller, the CockroachDB readiness model) and the assertions use it.
// Every request is bounded; nothing here retries silently.
import * as https from 'https';

/** A Kubernetes API error with its HTTP status and the server's message. */
export class KubeApiError extends Error {
  constructor(public readonly status: number, public readonly method: string, public readonly path: string, body: string) {
    super(`${method} ${path} -> ${status}: ${body.slice(0, 600)}`);
    this.name = 'KubeApiError';
  }
}

/** A plain Kubernetes object as the API returns it. */
export interface KubeResource {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly generation?: number;
    readonly resourceVersion?: string;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly ownerReferences?: readonly { kind: string; name: string; uid: string }[];
    readonly managedFields?: readonly { manager: string; operation: string }[];
  };
  readonly [field: string]: any;
}

/** Connection facts of one API server. */
export interface KubeEndpoint {
  readonly server: string;
  readonly token: string;
  readonly ca: string;
}

/** The path of a collection or an object, from its apiVersion and plural resource name. */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}${name ? `/${name}` : ''}`;
}

/** A minimal, bounded JSON client of one API server. */
export class KubeClient {
  private readonly agent: https.Agent;

  constructor(public readonly endpoint: KubeEndpoint, private readonly timeoutMs = 15_000) {
    this.agent = new https.Agent({ ca: endpoint.ca, keepAlive: true, maxSockets: 8 });
  }

  /** Sends one request; resolves with the parsed body, rejects with a {@link KubeApiError}. */
  public request<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(path, this.endpoint.server);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        method,
        agent: this.agent,
        timeout: this.timeoutMs,
        headers: {
          Authorization: `Bearer ${this.endpoint.token}`,
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 500) >= 300) {
            reject(new KubeApiError(res.statusCode ?? 500, method, path, text));
            return;
          }
          try {
            resolve(text.length > 0 && text.trimStart().startsWith('{') ? JSON.parse(text) : (text as unknown as T));
          } catch (error) {
            reject(error);
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  public get<T = KubeResource>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** The object, or undefined when it does not exist. */
  public async find(path: string): Promise<KubeResource | undefined> {
    try {
      return await this.get(path);
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The items of a collection. */
  public async list(path: string, query = ''): Promise<KubeResource[]> {
    const result = await this.get<{ items: KubeResource[] }>(`${path}${query ? `?${query}` : ''}`);
    return result.items ?? [];
  }

  public create(path: string, object: unknown): Promise<KubeResource> {
    return this.request('POST', path, object);
  }

  /** A JSON merge patch (of the object, or of a subresource path such as `.../status`). */
  public mergePatch(path: string, patch: unknown): Promise<KubeResource> {
    return this.request('PATCH', path, patch, 'application/merge-patch+json');
  }

  /** Server-side apply of one object by `fieldManager`. */
  public apply(path: string, object: unknown, fieldManager: string, force = false): Promise<KubeResource> {
    return this.request('PATCH', `${path}?fieldManager=${encodeURIComponent(fieldManager)}${force ? '&force=true' : ''}`,
      object, 'application/apply-patch+yaml');
  }

  public async delete(path: string): Promise<void> {
    try {
      await this.request('DELETE', path);
    } catch (error) {
      if (!(error instanceof KubeApiError && error.status === 404)) throw error;
    }
  }

  /** Closes idle keep-alive sockets. */
  public close(): void {
    this.agent.destroy();
  }
}
