export const MANIFEST_VALIDATOR_FILE: string;
export function manifestValidatorSource(): string;
