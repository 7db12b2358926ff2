// What the server writes back: a status, headers and an optional body.

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A JSON answer with GitHub's content headers (none for 204 or an absent body). */
export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  if (body === undefined || status === 204) return { status, headers: { ...headers } };
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      ...headers,
    },
    body: Buffer.from(JSON.stringify(body)),
  };
}
