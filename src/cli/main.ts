#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { prepareCliProcess } from './process.js';
import { createProgram } from './program.js';

prepareCliProcess();
await createProgram(hideBin(process.argv)).parseAsync();
