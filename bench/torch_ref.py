"""PyTorch reference for `npm run bench -- --torch`.

Builds the two reference models of bench/models.ts (same shapes, batch,
float32, parameter layout) as plain functions of a parameter dict, and times
forward, gradient and Hessian-vector product on the CPU with the thread count
the caller passes (heterograd's gemm pool size). Prints one JSON object on
stdout; bench/torch.ts reads it. Exit code 3 when torch cannot be imported.

HVP is tried two ways: forward-over-reverse (functorch `jvp` of `grad`, as
JAX does it) and reverse-over-reverse (double backward). Forward-over-reverse
needs forward-mode rules for the backward of every op, which torch 1.13 lacks
for some (LayerNorm, cross-entropy); a method that fails is reported with its
error instead of a time.

OpenMP's wait policy is read from the environment when torch loads:
bench/torch.ts sets OMP_WAIT_POLICY=passive unless it is set already, because
spinning threads on a shared, loaded machine made torch 20-50x slower in one
measurement (a spinning thread waits for a peer the OS has descheduled);
heterograd's gemm pool blocks too (Atomics.wait). The policy is reported.

Usage: python3 bench/torch_ref.py --threads 2 [--runs 7] [--warmup 3]
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

MLP_SIZES = [784, 256, 256, 10]
MLP_BATCH = 128
# GPT-nano as bench/models.ts builds it: vocab V, context T, width C, heads nh, depth, MLP ratio; batch B.
V, T, C, NH, DEPTH, RATIO, B = 65, 16, 64, 4, 2, 4, 32


def uniform(torch, g, shape, bound):
    return (torch.rand(*shape, generator=g) * 2 - 1) * bound


def mlp(torch, F, g):
    """The MLP 784-256-256-10 with ReLU; returns (params, loss(params))."""
    p = {}
    for i, (n_in, n_out) in enumerate(zip(MLP_SIZES, MLP_SIZES[1:])):
        p[f"layers.{i}.weight"] = uniform(torch, g, (n_out, n_in), 1 / math.sqrt(n_in))
        p[f"layers.{i}.bias"] = uniform(torch, g, (n_out,), 1 / math.sqrt(n_in))
    x = torch.rand(MLP_BATCH, MLP_SIZES[0], generator=g)  # (N, 784)
    y = torch.arange(MLP_BATCH) % 10  # (N,)
    layers = len(MLP_SIZES) - 1

    def loss(q):
        h = x
        for i in range(layers):
            h = F.linear(h, q[f"layers.{i}.weight"], q[f"layers.{i}.bias"])
            if i + 1 < layers:
                h = F.relu(h)
        return F.cross_entropy(h, y)  # logits (N, 10)

    return p, loss


def gpt(torch, F, g):
    """The 2-layer pre-LayerNorm GPT of src/models/gpt.ts (no lm_head bias); returns (params, loss(params))."""
    hs, hidden = C // NH, C * RATIO
    normal = lambda *shape: torch.randn(*shape, generator=g) * 0.02  # GPT-2's initialization
    p = {"wte.weight": normal(V, C), "wpe.weight": normal(T, C)}
    for i in range(DEPTH):
        pre = f"blocks.{i}"
        p.update({
            f"{pre}.norm1.weight": torch.ones(C), f"{pre}.norm1.bias": torch.zeros(C),
            f"{pre}.attn.qkv.weight": normal(3 * C, C), f"{pre}.attn.qkv.bias": torch.zeros(3 * C),
            f"{pre}.attn.proj.weight": normal(C, C), f"{pre}.attn.proj.bias": torch.zeros(C),
            f"{pre}.norm2.weight": torch.ones(C), f"{pre}.norm2.bias": torch.zeros(C),
            f"{pre}.mlp.fc1.weight": normal(hidden, C), f"{pre}.mlp.fc1.bias": torch.zeros(hidden),
            f"{pre}.mlp.fc2.weight": normal(C, hidden), f"{pre}.mlp.fc2.bias": torch.zeros(C),
        })
    p.update({"ln_f.weight": torch.ones(C), "ln_f.bias": torch.zeros(C), "lm_head.weight": normal(V, C)})
    ids = torch.randint(0, V, (B, T), generator=g)  # (B, T)
    targets = torch.randint(0, V, (B, T), generator=g)  # (B, T)
    # Additive causal mask, −1e9 above the diagonal, as heterograd's (not masked_fill) so the op count matches.
    mask = torch.triu(torch.full((T, T), -1e9), diagonal=1)  # (T, T)

    def block(q, pre, x):
        w = lambda n: q[f"{pre}.{n}"]
        h = F.layer_norm(x, (C,), w("norm1.weight"), w("norm1.bias"), eps=1e-5)
        qkv = F.linear(h, w("attn.qkv.weight"), w("attn.qkv.bias"))  # (B, T, 3C)
        qh, kh, vh = (t.reshape(B, T, NH, hs).transpose(1, 2) for t in qkv.split(C, dim=2))  # (B, nh, T, hs)
        att = (qh @ kh.transpose(-2, -1)) / math.sqrt(hs) + mask  # (B, nh, T, T)
        y = (att.softmax(-1) @ vh).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        x = x + F.linear(y, w("attn.proj.weight"), w("attn.proj.bias"))
        m = F.layer_norm(x, (C,), w("norm2.weight"), w("norm2.bias"), eps=1e-5)
        m = F.linear(F.gelu(F.linear(m, w("mlp.fc1.weight"), w("mlp.fc1.bias"))), w("mlp.fc2.weight"), w("mlp.fc2.bias"))
        return x + m

    def loss(q):
        x = F.embedding(ids, q["wte.weight"]) + q["wpe.weight"][:T]  # (B, T, C)
        for i in range(DEPTH):
            x = block(q, f"blocks.{i}", x)
        x = F.layer_norm(x, (C,), q["ln_f.weight"], q["ln_f.bias"], eps=1e-5)
        logits = F.linear(x, q["lm_head.weight"])  # (B, T, V)
        return F.cross_entropy(logits.reshape(B * T, V), targets.reshape(-1))

    return p, loss


def median_ms(f, runs, warmup):
    for _ in range(warmup):
        f()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        f()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_model(torch, name, params, loss, runs, warmup):
    leaves = [t.requires_grad_() for t in params.values()]
    v = {k: (t * 0.5).detach() for k, t in params.items()}  # the tangent bench/models.ts uses
    vs = list(v.values())

    def forward():
        with torch.no_grad():
            loss(params).item()

    def gradient():
        torch.autograd.grad(loss(params), leaves)

    def hvp_double_backward():
        gs = torch.autograd.grad(loss(params), leaves, create_graph=True)
        return torch.autograd.grad(sum((g * t).sum() for g, t in zip(gs, vs)), leaves)

    row = {
        "model": name,
        "params": sum(t.numel() for t in leaves),
        "forwardMs": median_ms(forward, runs, warmup),
        "gradMs": median_ms(gradient, runs, warmup),
        "hvp": {"doubleBackward": {"ms": median_ms(hvp_double_backward, runs, warmup)}},
    }
    try:
        from functorch import grad, jvp
        detached = {k: t.detach() for k, t in params.items()}
        hvp_fwd = lambda: jvp(grad(loss), (detached,), (v,))[1]
        # Both methods compute H·v; check that they agree before timing the second.
        ref, fwd = hvp_double_backward(), hvp_fwd()
        err = max(float((a - fwd[k]).abs().max() / (a.abs().max() + 1e-12)) for a, k in zip(ref, params))
        if err > 1e-3:
            raise RuntimeError(f"disagrees with double backward (relative max error {err:.2g})")
        row["hvp"]["forwardOverReverse"] = {"ms": median_ms(hvp_fwd, runs, warmup)}
    except Exception as e:  # noqa: BLE001 — any failure of the optional method is reported, not fatal
        row["hvp"]["forwardOverReverse"] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}
    return row


def loaded_blas():
    """Shared libraries with 'blas' in their path mapped into this process (Linux), resolved through symlinks."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
    except OSError:
        return []
    return sorted({os.path.realpath(p) for p in paths})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (match heterograd's pool)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=3)
    args = ap.parse_args()
    try:
        import torch
        import torch.nn.functional as F
    except ImportError as e:
        print(f"torch is not importable by {sys.executable}: {e}", file=sys.stderr)
        sys.exit(3)
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(0)
    models = [("mlp",) + mlp(torch, F, g), ("transformer",) + gpt(torch, F, g)]
    rows = [bench_model(torch, name, p, loss, args.runs, args.warmup) for name, p, loss in models]
    config = torch.__config__.show()
    blas_info = next((s.strip() for s in config.replace(",", "\n").splitlines() if "BLAS_INFO" in s), "BLAS_INFO unknown")
    json.dump({
        "torch": torch.__version__,
        "python": sys.executable,
        "threads": torch.get_num_threads(),
        "ompWaitPolicy": os.environ.get("OMP_WAIT_POLICY", ""),
        "blas": {"config": blas_info, "loaded": loaded_blas()},
        "runs": args.runs,
        "warmup": args.warmup,
        "models": rows,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
