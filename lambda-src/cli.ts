// sg-guardian operator CLI. Same decoders and planners as the Lambda; never calls AWS.
import { main } from './cli/main.js';

process.exitCode = main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) });
