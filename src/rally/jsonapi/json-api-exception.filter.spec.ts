import { BadRequestException, NotFoundException } from '@nestjs/common';
import { JsonTooDeepError } from '../../common/http/json-body-limits.js';
import { bodyParserProblem } from './json-api-exception.filter.js';

/** An error shaped as body-parser raises it (http-errors: status, expose, type). */
function parserError(status: number, type: string) {
  return Object.assign(new Error('failed'), { status, expose: status < 500, type });
}

describe('bodyParserProblem', () => {
  it('says why a body nested too deep is refused, raw or wrapped by Nest', () => {
    const tooDeep = {
      status: 400,
      code: 'InvalidBody',
      title: 'Invalid Body',
      detail: 'The request body nests deeper than 32 levels',
    };
    expect(bodyParserProblem(new JsonTooDeepError())).toEqual(tooDeep);
    const wrapped = new BadRequestException('Bad', { cause: new JsonTooDeepError() });
    expect(bodyParserProblem(wrapped)).toEqual(tooDeep);
  });

  it('keeps the details and statuses of the other parser errors', () => {
    expect(bodyParserProblem(parserError(400, 'entity.parse.failed'))).toMatchObject({
      status: 400,
      code: 'InvalidBody',
      detail: 'The request body is not valid JSON',
    });
    expect(bodyParserProblem(parserError(413, 'entity.too.large'))).toEqual({
      status: 413,
      code: 'payload_too_large',
      title: 'Payload Too Large',
      detail: 'Request body too large',
    });
  });

  it('leaves anything else to the unexpected-error path', () => {
    expect(bodyParserProblem(parserError(500, 'stream.not.readable'))).toBeUndefined();
    expect(bodyParserProblem(new Error('boom'))).toBeUndefined();
    expect(bodyParserProblem(new NotFoundException())).toBeUndefined();
    expect(bodyParserProblem(undefined)).toBeUndefined();
  });
});
