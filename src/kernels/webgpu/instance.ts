/** Tying the lifetime of Dawn's instance to the devices made from it. */
/**
 * Each device keeps the GPU object it came from alive. With Dawn in Node,
 * collecting that object destroys the native instance while its event
 * polling still runs, and the next poll aborts the process (a "futex"
 * std::system_error thrown by a mutex in InstanceBase::ProcessEvents) — so
 * after any GC that happens to collect it, e.g. when heavy JavaScript ran
 * between submits. A WeakMap ties the instance's lifetime to the device's.
 */
const instances = new WeakMap<GPUDevice, unknown>();

/** Keep `gpu` alive as long as `device` is reachable. */
export function holdInstance(device: GPUDevice, gpu: unknown): void {
  instances.set(device, gpu);
}

/** Drop the device's hold on its Dawn instance (after `device.destroy()`), so Node can exit. */
export function releaseInstance(device: GPUDevice): void {
  instances.delete(device);
}
