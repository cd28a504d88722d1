import os from "node:os";
import v8 from "node:v8";

/** The machine a run was measured on: printed above every table and stored in the JSON. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryMiB: number;
  node: string;
  v8: string;
  platform: string;
  arch: string;
  heapLimitMiB: number;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    totalMemoryMiB: Math.round(os.totalmem() / (1 << 20)),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.type()} ${os.release()}`,
    arch: process.arch,
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / (1 << 20)),
  };
}

export function machineLine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryMiB} MiB RAM, Node ${m.node} (V8 ${m.v8}), ${m.platform} ${m.arch}`;
}
