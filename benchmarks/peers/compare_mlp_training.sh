#!/usr/bin/env bash
# Side by side: training steps per second of Kolmo's MLP score network (BM_MlpTrainStep, 2 threads)
# and of the same network trained the same way in PyTorch on the CPU (torch_mlp_training.py,
# float64, 2 intra-op threads), at batches 256/1024/4096 and widths 64/256, d = 2; then the share
# of a DPM-Solver++(2M) run spent in the network (BM_SamplerOnMlp against BM_MlpScore).
# Usage: benchmarks/peers/compare_mlp_training.sh [build-dir]   (default build/release)
source "$(dirname "${BASH_SOURCE[0]}")/peer_run.sh" "${1:-}" torch 'BM_MlpTrainStep/.*/threads:2|BM_MlpScore/batch:4096|BM_SamplerOnMlp'
torch_lines="$(for b in 256 1024 4096; do for w in 64 256; do
  /usr/bin/python3 "$root/benchmarks/peers/torch_mlp_training.py" "$b" "$w" 2; done; done)"
/usr/bin/python3 - "$json" "$torch_lines" <<'PY'
import json, re, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
torch = {(int(m[0]), int(m[1])): float(m[2]) for m in
         re.findall(r"batch=(\d+) width=(\d+) threads=2 steps_per_second=(\S+)", sys.argv[2])}
print(f"{'batch':>6} {'width':>6} {'kolmo steps/s':>14} {'torch steps/s':>14} {'ratio':>7}")
for (batch, width), torch_rate in sorted(torch.items()):
    name = next(n for n in runs if n.startswith(f"BM_MlpTrainStep/batch:{batch}/width:{width}/threads:2"))
    rate = runs[name]["items_per_second"]
    print(f"{batch:>6} {width:>6} {rate:>14.4g} {torch_rate:>14.4g} {rate / torch_rate:>6.1f}x")
for width in (64, 256):
    sampler = next(b for n, b in runs.items() if n.startswith(f"BM_SamplerOnMlp/width:{width}"))
    model = next(b for n, b in runs.items() if n.startswith(f"BM_MlpScore/batch:4096/width:{width}"))
    # Time in the network over the sampler's time: (evaluations / network rate) / (evaluations /
    # sampler rate). Above 1 within noise: the sampler adds nothing measurable to its network.
    share = sampler["items_per_second"] / model["items_per_second"]
    print(f"DPM-Solver++(2M), 20 steps x 4096 paths, width {width}: network time / run time = {share:.2f} "
          f"(network {model['items_per_second']:.3g} points/s alone, {sampler['items_per_second']:.3g} evaluations/s in the sampler)")
PY
