#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { createProgram } from './program.js';

await createProgram(hideBin(process.argv)).parseAsync();
