import { runCli } from './program.ts';

// A reader that stops early (`| head`) closes the pipe: that is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  drain: () => new Promise((resolve) => process.stdout.once('drain', () => resolve())),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
