// sg-guardian operator CLI. Same decoders and planners as the Lambda; only `state` calls AWS.
import { main } from './cli/main.js';

const code = main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
if (typeof code === 'number') process.exitCode = code;
else void code.then((c) => (process.exitCode = c));
