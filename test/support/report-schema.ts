import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';

function loadSchema(name: string): object {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as object;
}

const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(loadSchema('report.schema.json'));
ajv.addSchema(loadSchema('plan.schema.json'));

function errorsOf(schemaId: string, document: unknown): string[] {
  const validate = ajv.getSchema(schemaId)!;
  return validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}

/** The problems of a check report against schemas/report.schema.json; empty when valid. */
export function reportSchemaErrors(document: unknown): string[] {
  return errorsOf('schema-gate/report.schema.json', document);
}

/** The problems of a plan report against schemas/plan.schema.json; empty when valid. */
export function planSchemaErrors(document: unknown): string[] {
  return errorsOf('schema-gate/plan.schema.json', document);
}
