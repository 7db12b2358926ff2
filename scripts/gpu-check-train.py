# A short real training job for scripts/gpu-check: a small MLP on synthetic
# data on GPU 0, in the shape the train action expects of a team's command.
# It resumes from MLSHIP_CHECKPOINT_DIR, reports metrics as JSON Lines on
# MLSHIP_METRICS_FD, checkpoints every few seconds (written whole, then
# renamed) and on SIGTERM, and writes the model at the end. No network, no
# data download: only torch.
import json
import os
import signal
import sys
import time

import torch

STEPS = int(os.environ.get("GPU_CHECK_STEPS", "3000"))
seed = int(os.environ.get("MLSHIP_SEED", "0"))
torch.manual_seed(seed)
device = torch.device("cuda")
metrics = os.fdopen(int(os.environ["MLSHIP_METRICS_FD"]), "w", buffering=1)
ckpt_dir = os.environ["MLSHIP_CHECKPOINT_DIR"]
ckpt = os.path.join(ckpt_dir, "state.pt")

model = torch.nn.Sequential(
    torch.nn.Linear(512, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 2048), torch.nn.ReLU(), torch.nn.Linear(2048, 10)
).to(device)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
x = torch.randn(8192, 512, device=device)
y = (x[:, :10].argmax(dim=1)).to(device)

step = 0
if os.path.exists(ckpt):
    state = torch.load(ckpt, map_location=device)
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    step = state["step"]
    print(f"resumed from step {step}", flush=True)
else:
    print("starting from scratch", flush=True)


def save():
    os.makedirs(ckpt_dir, exist_ok=True)
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": step}, ckpt + ".tmp")
    os.replace(ckpt + ".tmp", ckpt)


stopping = False


def on_sigterm(signum, frame):
    global stopping
    stopping = True


signal.signal(signal.SIGTERM, on_sigterm)
last_save = time.monotonic()
while step < STEPS and not stopping:
    batch = torch.randint(0, x.shape[0], (1024,), device=device)
    loss = torch.nn.functional.cross_entropy(model(x[batch]), y[batch])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    step += 1
    if step % 50 == 0:
        metrics.write(json.dumps({"step": step, "name": "loss", "value": loss.item()}) + "\n")
        print(f"step {step}/{STEPS} loss {loss.item():.4f}", flush=True)
    if time.monotonic() - last_save > 5:
        save()
        last_save = time.monotonic()
save()
if stopping:
    print(f"stopped at step {step}; checkpoint written", flush=True)
    sys.exit(143)
with torch.no_grad():
    accuracy = (model(x).argmax(dim=1) == y).float().mean().item()
metrics.write(json.dumps({"step": step, "name": "accuracy", "value": accuracy}) + "\n")
torch.save(model.state_dict(), "model.bin")
print(f"done: accuracy {accuracy:.3f}", flush=True)
