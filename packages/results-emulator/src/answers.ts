// What the server writes back: a status, headers and a body kept in the chunks
// it is stored in (a blob's blocks are never copied into one buffer to serve it).

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body?: readonly Buffer[];
}
