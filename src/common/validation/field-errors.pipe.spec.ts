import { IsDefined, IsString, MaxLength } from 'class-validator';
import { MissingParameters, ValidationFailed } from '../errors/domain-error.js';
import { FieldErrorsPipe, INVALID, MISSING, NOT_ALLOWED } from './field-errors.pipe.js';

class NameDto {
  @IsDefined({ message: MISSING })
  @IsString({ message: INVALID })
  @MaxLength(5, { message: 'too long' })
  name: string;
}

const pipe = new FieldErrorsPipe();
const run = (body: unknown) => pipe.transform(body, { type: 'body', metatype: NameDto });

async function fieldsOf(body: unknown): Promise<unknown> {
  const error: unknown = await run(body).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationFailed);
  return (error as ValidationFailed).fields;
}

describe('FieldErrorsPipe: strings PostgreSQL cannot store', () => {
  it('passes storable bodies, without their unknown keys', async () => {
    await expect(run({ name: 'ann', extra: 'x' })).resolves.toEqual({ name: 'ann' });
  });

  it.each([
    ['a NUL in a value', { name: 'a\u0000' }, 'name'],
    ['a lone surrogate in a value', { name: '\udc00b' }, 'name'],
    ['a NUL in an ignored key', { name: 'ann', extra: ['ok', { deep: 'x\u0000' }] }, 'extra'],
    ['a NUL in a key name', { name: 'ann', 'k\u0000': 1 }, 'k\u0000'],
    [
      'a NUL under a key named like an Object member',
      { name: 'ann', constructor: '\u0000' },
      'constructor',
    ],
  ])('answers 422 on the body key for %s', async (_name, body, key) => {
    expect(await fieldsOf(body)).toEqual({ [key]: [NOT_ALLOWED] });
  });

  it("keeps the key's own messages, and the other keys' errors", async () => {
    expect(await fieldsOf({ name: 'toolong\u0000' })).toEqual({ name: ['too long'] });
    expect(await fieldsOf({ name: 'toolong', other: '\u0000' })).toEqual({
      name: ['too long'],
      other: [NOT_ALLOWED],
    });
  });

  it('answers missing parameters first', async () => {
    await expect(run({ other: '\u0000' })).rejects.toBeInstanceOf(MissingParameters);
  });
});
