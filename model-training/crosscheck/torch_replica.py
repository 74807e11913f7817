"""A PyTorch replica of model-training's LSTM autoencoder, for trying variants on a GPU.

Not part of the build or the product. The Java trainer runs on CPU and takes about an hour for
E = 64 over 60 epochs on one core; this replica trains the same architecture on the same beats in
seconds to minutes on a GPU, so that a question like "would a bigger model or a longer schedule
reach the balanced target?" can be answered before spending CPU hours in DL4J.

The split is computed exactly as the Java NormalSplit does it (java.util.Random and
Collections.shuffle re-implemented below), and so is the balanced protocol's abnormal draw, so the
held-out beats are the very ones `ecg-model evaluate` reports on. `--reference-split` instead
re-creates the split of the PyTorch tutorial the issue cites (pandas sample + two scikit-learn
train_test_split calls with seed 42), with numpy's legacy generator.

Usage (one JSON line per run on stdout and appended to --out):
  python3 torch_replica.py --embedding 64 --epochs 60 --batch 32 --split-seed 42 --init-seed 7
"""
import argparse, gzip, json, math, os, sys, time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ('ECG5000_TRAIN.txt.gz', 'ECG5000_TEST.txt.gz')


def load(data_dir):
    """Beats in the Java reader's order, with its ids: '<file>#<line>'."""
    ids, labels, values = [], [], []
    for f in FILES:
        with gzip.open(os.path.join(data_dir, f), 'rt') as fh:
            for line_no, line in enumerate(fh, 1):
                v = line.split()
                if v:
                    ids.append(f'{f}#{line_no}'); labels.append(int(float(v[0])))
                    values.append(np.array([float(s) for s in v[1:]], dtype=np.float32))
    return ids, np.array(labels), np.stack(values)


class JavaRandom:
    """java.util.Random: the 48-bit linear congruential generator and nextInt(bound)."""
    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r  # Java's cast to a signed int

    def next_int(self, bound):
        if bound & (-bound) == bound:
            return (bound * self.next(31)) >> 31
        while True:
            bits = self.next(31)
            val = bits % bound
            if bits - val + (bound - 1) < (1 << 31):
                return val


def java_shuffle(items, seed):
    """Collections.shuffle(list, new Random(seed)) for a random-access list."""
    items, rnd = list(items), JavaRandom(seed)
    for i in range(len(items), 1, -1):
        j = rnd.next_int(i)
        items[i - 1], items[j] = items[j], items[i - 1]
    return items


def java_split(labels, seed, val_fraction=0.10, test_fraction=0.05):
    """NormalSplit.of plus Evaluator's balanced draw: index lists into the dataset."""
    normal = java_shuffle([i for i, l in enumerate(labels) if l == 1], seed)
    abnormal = [i for i, l in enumerate(labels) if l != 1]
    n = len(normal); n_test = math.floor(n * test_fraction); n_val = math.floor(n * val_fraction)
    test = normal[n - n_test:]
    pick = java_shuffle(range(len(abnormal)), seed)[:min(n_test, len(abnormal))]
    return dict(train=normal[:n - n_val - n_test], val=normal[n - n_val - n_test:n - n_test], test=test,
                abnormal=abnormal, abnormal_bal=[abnormal[p] for p in sorted(pick)])


def reference_split(labels, seed=42):
    """The tutorial's split: df.sample(frac=1) after np.random.seed(42), then 15 % and 33 % cuts."""
    order = np.random.RandomState(seed).permutation(len(labels))
    normal = [i for i in order if labels[i] == 1]
    abnormal = [i for i in order if labels[i] != 1]
    p = np.random.RandomState(seed).permutation(len(normal))
    n_test, n_train = math.ceil(0.15 * len(normal)), math.floor(0.85 * len(normal))
    train, rest = [normal[i] for i in p[n_test:n_test + n_train]], [normal[i] for i in p[:n_test]]
    p2 = np.random.RandomState(seed).permutation(len(rest))
    n_test2, n_val2 = math.ceil(0.33 * len(rest)), math.floor(0.67 * len(rest))
    test, val = [rest[i] for i in p2[:n_test2]], [rest[i] for i in p2[n_test2:n_test2 + n_val2]]
    # The tutorial's balanced protocol takes the first abnormal beats of the shuffled frame.
    return dict(train=train, val=val, test=test, abnormal=abnormal, abnormal_bal=abnormal[:len(test)])


def train_and_evaluate(a, ids, x, split):
    import torch
    from torch import nn
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.manual_seed(a.init_seed)
    e, h, t = a.embedding, 2 * a.embedding, x.shape[1]
    mean, std = float(x[split['train']].mean()), float(x[split['train']].std())

    class Autoencoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc1, self.enc2 = nn.LSTM(1, h, batch_first=True), nn.LSTM(h, e, batch_first=True)
            self.dec1, self.dec2 = nn.LSTM(e, e, batch_first=True), nn.LSTM(e, h, batch_first=True)
            self.out = nn.Linear(h, 1)

        def forward(self, s):
            z, _ = self.enc2(self.enc1(s)[0])
            z = z[:, -1:, :].expand(-1, t, -1).contiguous()  # last hidden state, repeated
            return self.out(self.dec2(self.dec1(z)[0])[0])

    net = Autoencoder().to(dev)
    if a.init == 'dl4j':
        # DL4J's WeightInit.XAVIER (normal, sqrt(2 / (fan-in + fan-out))), zero biases except the
        # forget gate's 1.0, as the Java network starts.
        with torch.no_grad():
            for m in (net.enc1, net.enc2, net.dec1, net.dec2):
                k = m.hidden_size
                nn.init.normal_(m.weight_ih_l0, 0, math.sqrt(2.0 / (m.input_size + 4 * k)))
                nn.init.normal_(m.weight_hh_l0, 0, math.sqrt(2.0 / (5 * k)))
                m.bias_ih_l0.zero_(); m.bias_hh_l0.zero_(); m.bias_ih_l0[k:2 * k] = 1.0
            nn.init.normal_(net.out.weight, 0, math.sqrt(2.0 / (h + 1))); net.out.bias.zero_()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    tensor = lambda idx: torch.tensor((x[idx] - mean) / std, device=dev).unsqueeze(-1)
    x_train, x_val = tensor(split['train']), tensor(split['val'])

    def error(r, s):  # per beat, summed over it: absolute (L1) or squared (L2) errors
        d = r - s
        return (d.abs() if a.loss == 'L1' else d * d).sum(dim=(1, 2))

    units = std if a.loss == 'L1' else std * std  # standardised → original units

    def losses(s):  # in the beat's original units, as the Java scorer reports them
        net.eval()
        with torch.no_grad():
            out = torch.cat([error(net(s[i:i + 1024]), s[i:i + 1024]) * units
                             for i in range(0, len(s), 1024)])
        net.train()
        return out.cpu().numpy().astype(np.float64)

    gen = torch.Generator().manual_seed(a.init_seed)
    best, best_epoch, best_state, history, started = math.inf, 0, None, [], time.time()
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(x_train), generator=gen).to(dev)
        total = 0.0
        for i in range(0, len(x_train), a.batch):
            b = x_train[perm[i:i + a.batch]]
            loss = error(net(b), b).mean()
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
            total += loss.item() * len(b)
        val = float(losses(x_val).mean())
        history.append([epoch, round(total * units / len(x_train), 3), round(val, 3)])
        if val < best:
            best, best_epoch = val, epoch
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
        if epoch - best_epoch >= a.patience:
            break
    net.load_state_dict(best_state)
    seconds = time.time() - started
    val, normal = losses(x_val), losses(tensor(split['test']))
    abnormal, drawn = losses(tensor(split['abnormal'])), losses(tensor(split['abnormal_bal']))
    threshold = float(np.percentile(val, a.percentile))  # linear interpolation, as the Java rule
    auc = float(((abnormal[None, :] > normal[:, None]).sum() + 0.5 * (abnormal[None, :] == normal[:, None]).sum())
                / (len(normal) * len(abnormal)))

    def balanced(th):
        return int((normal <= th).sum()), int((drawn > th).sum())

    # Diagnosis only: the best balanced outcome at any threshold picked on the test losses.
    hindsight = max((min(balanced(th)), sum(balanced(th)), th) for th in np.concatenate([[-np.inf], normal, drawn]))
    worst = sorted(zip(normal, (ids[i] for i in split['test'])), reverse=True)[:3]
    return dict(seconds=round(seconds, 1), epochs_run=len(history), best_epoch=best_epoch, threshold=round(threshold, 3),
                roc_auc=round(auc, 5), recall=round(float((abnormal > threshold).mean()), 4),
                balanced=dict(zip(('normal', 'abnormal'), balanced(threshold)), size=len(normal)),
                hindsight=dict(zip(('normal', 'abnormal'), balanced(hindsight[2])), threshold=round(float(hindsight[2]), 3)),
                worst_normals=[[round(float(l), 2), i] for l, i in worst], history=history)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--data', default=os.path.join(HERE, '..', '..', 'data', 'ecg5000'))
    p.add_argument('--split-seed', type=int, default=42)
    p.add_argument('--reference-split', action='store_true', help="the tutorial's split instead of NormalSplit's")
    p.add_argument('--embedding', type=int, default=32)
    p.add_argument('--epochs', type=int, default=40)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--patience', type=int, default=15)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--percentile', type=float, default=99.0)
    p.add_argument('--loss', choices=('L1', 'L2'), default='L1')
    p.add_argument('--init', choices=('dl4j', 'torch'), default='dl4j')
    p.add_argument('--init-seed', type=int, default=7)
    p.add_argument('--out', help='append the JSON line to this file too')
    a = p.parse_args(argv)
    ids, labels, x = load(a.data)
    split = reference_split(labels) if a.reference_split else java_split(labels, a.split_seed)
    result = dict(vars(a), split='reference' if a.reference_split else a.split_seed)
    result.update(train_and_evaluate(a, ids, x, split))
    line = json.dumps(result)
    print(line, flush=True)
    if a.out:
        with open(a.out, 'a') as fh:
            fh.write(line + '\n')


if __name__ == '__main__':
    sys.exit(main())
