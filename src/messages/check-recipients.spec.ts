import { ChatError } from '../conversations/chat-error.js';
import { checkRecipients } from './encrypted-messages.service.js';

const code = (expected: string[], given: string[]) => {
  try {
    checkRecipients(expected, given);
    return 'ok';
  } catch (error) {
    return (error as ChatError).code;
  }
};

describe('checkRecipients', () => {
  it('wants exactly the expected recipients', () => {
    expect(code(['a', 'b'], ['b', 'a'])).toBe('ok');
    expect(code(['a', 'b'], ['a'])).toBe('not_enough_recipients');
    expect(code(['a', 'b'], ['a', 'b', 'c'])).toBe('too_many_recipients');
    expect(code(['a', 'b'], ['a', 'c'])).toBe('invalid_recipients');
  });
});
