// What the emulator records about the traffic it served, for assertions.

export interface RequestLogEntry {
  method: string;
  /** path without the API prefix, e.g. "/repos/o/r/issues/1/comments" ("/graphql" for GraphQL) */
  path: string;
  query: string;
  status: number;
  /** OpenAPI operationId, "graphql", or undefined when no operation matched */
  operationId: string | undefined;
  /** login of the token's user, undefined when unauthenticated */
  login: string | undefined;
  /** the injected fault that shaped this answer, if any */
  fault?: string;
}

export interface Violation {
  direction: 'request' | 'response';
  operationId: string | undefined;
  method: string;
  path: string;
  message: string;
}
