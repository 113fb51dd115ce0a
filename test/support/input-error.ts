import { InputError } from '../../src/errors.js';

/** The lines of the InputError a promise rejects with; any other outcome fails the test. */
export async function inputErrorLines(promise: Promise<unknown>): Promise<readonly string[]> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InputError) return error.lines;
    throw error;
  }
  throw new Error('expected an InputError');
}
