import { runCli } from './program.ts';

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  drain: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
