/** One problem, as a JSON:API error object will show it. */
export interface RallyProblem {
  status: number;
  code: string;
  title: string;
  detail: string;
  /** JSON Pointer into the request document (`/data/attributes/nickname`). */
  pointer?: string;
  /** The query parameter at fault (`sort`, `filter[nickname]`). */
  parameter?: string;
}

/** A player attribute that breaks its rule: 400 `invalid_attribute` at its pointer. */
export function invalidAttribute(name: string, detail: string): RallyProblem {
  return {
    status: 400,
    code: 'invalid_attribute',
    title: 'Invalid attribute',
    detail,
    pointer: `/data/attributes/${name}`,
  };
}

/** The stamp-rally product's domain error: one or more problems for a JSON:API error document. */
export class RallyError extends Error {
  constructor(readonly problems: RallyProblem[]) {
    super(problems.map((p) => p.detail).join('; '));
    this.name = 'RallyError';
  }

  static invalidAttribute(name: string, detail: string): RallyError {
    return new RallyError([invalidAttribute(name, detail)]);
  }

  static notFound(id: string): RallyError {
    return new RallyError([
      {
        status: 404,
        code: 'not_found',
        title: 'Entity Not Found',
        detail: `No user record found with \`id: ${id}\``,
      },
    ]);
  }

  /** The HTTP status of the document: the most generally applicable (400 for mixed 4xx). */
  get status(): number {
    const statuses = new Set(this.problems.map((p) => p.status));
    return statuses.size === 1 ? [...statuses][0] : 400;
  }
}
