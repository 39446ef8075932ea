"""PyTorch models: the retrieval item embeddings and the DIN-style ranker that is exported to ONNX."""
import math

import torch
from torch import nn

from . import EVENT_TYPES

N_TYPES = len(EVENT_TYPES)
INPUT_NAMES = ["interest", "hist_items", "hist_types", "hist_ages", "cand_items", "cand_feats", "context"]
OUTPUT_NAMES = ["scores"]


class Retrieval(nn.Module):
    """Item embeddings E (row 0 = unknown, kept at zero). The interest vector is a decayed, type-weighted sum of
    E rows, and retrieval scores items by <interest, E[item]>, so E is trained with exactly that scorer."""

    def __init__(self, n_items, d, init_std=0.05):
        super().__init__()
        self.emb = nn.Parameter(torch.randn(n_items + 1, d) * init_std)

    def weight(self):
        mask = torch.ones_like(self.emb)
        mask[0] = 0
        return self.emb * mask

    def interest(self, hist_items, hist_coef):
        # hist_items [B, W], hist_coef [B, W] = w_type * 2^(-age/half_life) (0 for padding)
        E = self.weight()
        return (E[hist_items] * hist_coef.unsqueeze(-1)).sum(1)


class Ranker(nn.Module):
    """Scores K candidates for each row of a batch (the tensor contract of docs/MODEL_BUNDLE.md).

    Per candidate c: its own item embedding q_c and learned bias; DIN target attention of q_c over the last L events
    (item + type + log-age embeddings); repeat features computed in-graph (how often c occurs in the history per event
    type, whether it occurs, ln(1+age) of its latest occurrence); <interest, E_retrieval[c]>; cand_feats; context."""

    def __init__(self, n_items, d, seq_len, n_context, n_cand_feats, retrieval_emb, hidden=(64, 32),
                 item_residual=True, item_bias=True, unknown_features=False):
        super().__init__()
        self.unknown_features = unknown_features
        self.d = d
        self.seq_len = seq_len
        self.item_residual = item_residual
        self.item_bias = item_bias
        # item representation = a learned projection of the (frozen) retrieval embedding, plus an optional learned
        # per-item residual that starts at zero, so items the ranker never saw in training fall back to retrieval's
        self.proj = nn.Linear(d, d)
        self.item = nn.Embedding(n_items + 1, d)
        nn.init.zeros_(self.item.weight)
        self.type_emb = nn.Embedding(N_TYPES + 1, d)
        nn.init.normal_(self.type_emb.weight, std=0.05)
        self.bias = nn.Embedding(n_items + 1, 1)
        nn.init.zeros_(self.bias.weight)
        self.age = nn.Linear(1, d)
        self.att = nn.Linear(d, d, bias=False)
        self.register_buffer("remb", retrieval_emb.clone().float())
        self.register_buffer("type_ids", torch.arange(1, N_TYPES + 1, dtype=torch.int64))
        self.register_buffer("positions", torch.arange(seq_len, dtype=torch.float32))
        n_rep = N_TYPES + 3
        n_in = 3 * d + n_rep + 2 + n_cand_feats + n_context + (5 if unknown_features else 0)
        if unknown_features:  # registered only when used: default exports stay byte-identical to earlier ones
            first = torch.zeros(seq_len)
            first[0] = 1.0
            self.register_buffer("first_pos", first)
        layers = []
        prev = n_in
        for h in hidden:
            layers += [nn.Linear(prev, h), nn.ReLU()]
            prev = h
        layers.append(nn.Linear(prev, 1))
        self.mlp = nn.Sequential(*layers)

    def item_repr(self, idx):
        r = self.proj(self.remb[idx])
        if self.item_residual:
            r = r + self.item(idx)
        return r

    def forward(self, interest, hist_items, hist_types, hist_ages, cand_items, cand_feats, context):
        K = cand_items.shape[1]
        valid = (hist_types > 0).float()                                  # [B, L]
        log_age = torch.log1p(torch.clamp(hist_ages, min=0.0))            # [B, L]
        h = self.item_repr(hist_items) + self.type_emb(hist_types) + self.age(log_age.unsqueeze(-1))  # [B, L, d]
        h = h * valid.unsqueeze(-1)
        q = self.item_repr(cand_items)                                    # [B, K, d]
        att = torch.matmul(self.att(q), h.transpose(1, 2)) / math.sqrt(self.d)  # [B, K, L]
        att = att + (valid.unsqueeze(1) - 1.0) * 1e4
        a = torch.softmax(att, dim=-1)
        pooled = torch.matmul(a, h)                                       # [B, K, d]

        # repeat features, in-graph
        match = ((cand_items.unsqueeze(2) == hist_items.unsqueeze(1)) & (cand_items.unsqueeze(2) > 0)).float()
        onehot = (hist_types.unsqueeze(-1) == self.type_ids).float()      # [B, L, T]
        counts = torch.matmul(match, onehot)                              # [B, K, T]
        any_match = (counts.sum(-1, keepdim=True) > 0).float()            # [B, K, 1]
        big = 100.0
        la = match * log_age.unsqueeze(1) + (1.0 - match) * big
        latest = torch.amin(la, dim=-1, keepdim=True)                 # [B, K, 1]
        latest = latest * any_match
        posn = match * self.positions + (1.0 - match) * big
        first = torch.amin(posn, dim=-1, keepdim=True) * any_match          # [B, K, 1] position of latest match
        rep = torch.cat([torch.log1p(counts), any_match, latest, torch.log1p(first)], dim=-1)

        re = self.remb[cand_items]                                        # [B, K, d]
        dot = torch.matmul(re, interest.unsqueeze(-1))                    # [B, K, 1]
        inorm = torch.sqrt((interest * interest).sum(-1, keepdim=True) + 1e-6).unsqueeze(1)  # [B, 1, 1]
        cnorm = torch.sqrt((re * re).sum(-1, keepdim=True) + 1e-6)        # [B, K, 1]
        dot = dot / (inorm * cnorm)                                       # cosine: robust to embedding scale
        inorm = torch.log(inorm).expand(-1, K, -1)
        ctx = context.unsqueeze(1).expand(-1, K, -1)
        parts = [q, pooled, q * pooled, rep, dot, inorm, cand_feats, ctx]
        if self.unknown_features:
            # Items the bundle does not know reach the ranker as index 0 (the job proposes them as recent items), so
            # they all get one score per row; give the MLP what that score should depend on: how much of the history
            # is unknown, how recent the latest unknown event is, and whether the trigger itself is unknown.
            hu = (hist_items == 0).float() * valid                        # [B, L]
            n_unk = hu.sum(-1, keepdim=True)                              # [B, 1]
            has = (n_unk > 0).float()
            upos = torch.amin(hu * self.positions + (1.0 - hu) * big, dim=-1, keepdim=True) * has
            uage = torch.amin(hu * log_age + (1.0 - hu) * big, dim=-1, keepdim=True) * has
            trig = (hu * self.first_pos).sum(-1, keepdim=True)
            row = torch.cat([torch.ones_like(n_unk), torch.log1p(n_unk), torch.log1p(upos), uage, trig], dim=-1)
            unk = (cand_items == 0).float().unsqueeze(-1)                 # [B, K, 1]
            parts.append(unk * row.unsqueeze(1))
        x = torch.cat(parts, dim=-1)
        out = self.mlp(x).squeeze(-1)
        if self.item_bias:
            out = out + self.bias(cand_items).squeeze(-1)
        return out
