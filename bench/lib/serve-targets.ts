// The two servers bench/serve.ts compares, each run in its own process so the
// load generator does not share its event loop: `floor`, a bare node:http
// server that parses the request and calls the same ONNX Runtime
// InferenceSession, and `mlship` (startServe, with its log, profiles, evidence
// and metrics on; `mlship-shadow` scores every request on a canary too;
// `mlship-unbatched` runs the model once per request, as the floor does).
// Prints the port on its first line, then serves until killed.
// Usage: node serve-targets.ts floor|mlship|mlship-shadow|mlship-unbatched [DIR]
import { createServer } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadModel } from '@mlship/onnx';
import { buildLinearClassifierOnnx } from '@mlship/onnx/test-kit';
import { SERVING_SESSION_OPTIONS, startServe } from '@mlship/serve';

export const FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];

/** A penguin-sized classifier: 4 features, 3 classes (what the demo serves). */
export function benchModel(shift = 0): Uint8Array {
  return buildLinearClassifierOnnx({
    featureNames: FEATURES,
    weights: [
      [0.2, -0.5, 0.01, 0.001],
      [0.5, 0.3, -0.02, 0],
      [-0.7, 0.2, 0.01 + shift, -0.001],
    ],
    bias: [0.1, -0.2, 0.1],
    classes: ['Adelie', 'Chinstrap', 'Gentoo'],
  });
}

async function floor(): Promise<number> {
  // The ONNX adapter's session: the same InferenceSession (and options) mlship serve runs.
  const session = await loadModel(benchModel(), 'penguins.onnx', SERVING_SESSION_OPTIONS);
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const input = body.inputs[0];
    const out = await session.run({ input: { data: Float32Array.from(input.data), dims: input.shape } });
    const text = JSON.stringify({
      model_name: 'penguins',
      id: body.id ?? '',
      outputs: [
        { name: 'label', shape: [...out.label!.dims], datatype: 'BYTES', data: out.label!.data },
        {
          name: 'probabilities',
          shape: [...out.probabilities!.dims],
          datatype: 'FP32',
          data: Array.from(out.probabilities!.data as Float32Array),
        },
      ],
    });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

async function mlship(dir: string, shadow: boolean, batched: boolean): Promise<number> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'penguins.onnx'), benchModel());
  await writeFile(join(dir, 'canary.onnx'), benchModel(0.001));
  const server = await startServe({
    model: join(dir, 'penguins.onnx'),
    canary: shadow ? join(dir, 'canary.onnx') : undefined,
    canaryWeight: 0,
    shadow,
    cwd: dir,
    port: 0,
    dataDir: join(dir, 'data'),
    maxBatchRows: batched ? undefined : 1,
  });
  return server.port;
}

const target = process.argv[2];
if (target) {
  // The caller owns (and removes) the directory for the models, logs and profiles.
  const port =
    target === 'floor'
      ? await floor()
      : await mlship(process.argv[3]!, target === 'mlship-shadow', target !== 'mlship-unbatched');
  process.stdout.write(`${port}\n`);
  // A normal exit on SIGTERM, so `node --cpu-prof` can write its profile.
  process.on('SIGTERM', () => process.exit(0));
}
