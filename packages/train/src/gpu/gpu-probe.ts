// Runs the vendor tools (nvidia-smi, else rocm-smi) and reads the machine's
// GPUs. The tools are found on PATH, as a shell would find them, so a test
// puts a recorded nvidia-smi first on PATH.
import { execFile, spawn } from 'node:child_process';
import type { GpuProbe, GpuReading, GpuVendorTool } from './gpu-types.ts';
import { classifyNvidiaFailure, NVIDIA_QUERY_ARGS, parseNvidiaHeader, parseNvidiaQuery } from './nvidia-smi.ts';
import { parseRocmSmiJson, ROCM_QUERY_ARGS } from './rocm-smi.ts';
import { LineSplitter } from '../metrics-log.ts';

export interface ToolRun {
  /** The tool is not installed (ENOENT). */
  missing: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** A vendor tool left running (nvidia-smi's loop mode), its output handed over line by line. */
export interface FollowedTool {
  /** Settles when the tool exits, by itself or stopped. */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

export interface RunTool {
  (tool: GpuVendorTool, args: readonly string[]): Promise<ToolRun>;
  /** Starts a tool that keeps printing; absent where it cannot (then each reading is a run of its own). */
  follow?(tool: GpuVendorTool, args: readonly string[], onLine: (line: string) => void): FollowedTool;
}

/** A hung driver can block nvidia-smi for minutes; a probe gives up long before. */
const TOOL_TIMEOUT_MS = 15_000;

/** Runs a vendor tool in the step's environment (its PATH, LD_LIBRARY_PATH), killed after 15 s. */
export function toolRunner(env: Record<string, string | undefined>, timeoutMs = TOOL_TIMEOUT_MS): RunTool {
  const run: RunTool = (tool, args) =>
    new Promise((resolve) => {
      execFile(
        tool,
        [...args],
        { env: { ...env, LC_ALL: 'C' }, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = (error as { code?: unknown } | null)?.code;
          resolve({
            missing: code === 'ENOENT',
            exitCode: error ? (typeof code === 'number' ? code : null) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          });
        },
      );
    });
  run.follow = (tool, args, onLine) => {
    // Its own process group, so a stop also ends whatever it runs (a wrapper script's sleep).
    const child = spawn(tool, [...args], {
      env: { ...env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true,
    });
    const lines = new LineSplitter();
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of lines.feed(chunk)) onLine(line);
    });
    const exited = new Promise<void>((resolve) => {
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
    const signal = (name: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, name);
      } catch {
        // ESRCH: already gone.
      }
    };
    return {
      exited,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) signal('SIGTERM');
        const killer = setTimeout(() => signal('SIGKILL'), 2_000);
        await exited;
        clearTimeout(killer);
      },
    };
  };
  return run;
}

/** Every GPU with its versions, or why there is none. */
export async function probeGpus(run: RunTool): Promise<GpuProbe> {
  const query = await run('nvidia-smi', NVIDIA_QUERY_ARGS);
  if (!query.missing) {
    if (query.exitCode !== 0) {
      const failure = classifyNvidiaFailure(`${query.stdout}\n${query.stderr}`, query.exitCode);
      const library = failure.kind === 'driver-mismatch' && failure.libraryVersion;
      const detail = library ? `${failure.detail}; NVML library version: ${library}` : failure.detail;
      return { kind: 'unusable', tool: 'nvidia-smi', reason: failure.kind, detail };
    }
    const gpus = parseNvidiaQuery(query.stdout);
    if (gpus.length === 0)
      return { kind: 'unusable', tool: 'nvidia-smi', reason: 'no-devices', detail: 'no GPU listed' };
    const table = await run('nvidia-smi', []);
    const header = parseNvidiaHeader(table.stdout);
    return {
      kind: 'gpus',
      tool: 'nvidia-smi',
      gpus,
      driverVersion: header.driverVersion ?? gpus[0]?.driverVersion,
      cudaVersion: header.cudaVersion,
    };
  }
  const rocm = await run('rocm-smi', ROCM_QUERY_ARGS);
  if (rocm.missing) return { kind: 'no-tool' };
  if (rocm.exitCode !== 0) {
    const detail = `${rocm.stdout}\n${rocm.stderr}`.trim().split(/\r?\n/)[0] ?? '';
    return { kind: 'unusable', tool: 'rocm-smi', reason: 'error', detail: detail || `exit code ${rocm.exitCode}` };
  }
  const { gpus, driverVersion } = parseRocmSmiJson(rocm.stdout);
  if (gpus.length === 0) return { kind: 'unusable', tool: 'rocm-smi', reason: 'no-devices', detail: 'no card listed' };
  return { kind: 'gpus', tool: 'rocm-smi', gpus, driverVersion, cudaVersion: undefined };
}

/** One telemetry reading of every GPU with the tool the probe found; undefined when it failed this time. */
export async function readGpus(run: RunTool, tool: GpuVendorTool): Promise<GpuReading[] | undefined> {
  const result = await run(tool, tool === 'nvidia-smi' ? NVIDIA_QUERY_ARGS : ROCM_QUERY_ARGS);
  if (result.missing || result.exitCode !== 0) return undefined;
  try {
    return tool === 'nvidia-smi' ? parseNvidiaQuery(result.stdout) : parseRocmSmiJson(result.stdout).gpus;
  } catch {
    return undefined;
  }
}
