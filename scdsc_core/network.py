"""The SCDSC convolutional autoencoder (§2.6) and its batch-norm-folded inference encoder."""
# SPDX-License-Identifier: GPL-2.0-or-later
from __future__ import annotations

import math
import os
from typing import Callable, Dict, List, Optional, Tuple

import torch
from torch import nn
from torch.nn import functional as F

LATENT_CHANNELS = 32
# The NHWC layout below is an opt-in speed lever (SCDSC_CHANNELS_LAST=1): about 1.14x faster fits, but under
# qgis_process oneDNN's NHWC kernels round a few values differently than in the CLI or QGIS itself, which breaks
# the byte-identical labels the front ends promise for one seed (tests/reliability/test_determinism.py).
CHANNELS_LAST = os.environ.get("SCDSC_CHANNELS_LAST", "0") == "1"


def as_nhwc(x: torch.Tensor) -> torch.Tensor:
    """``x`` stored channels-last (NHWC); same shape, same values, same channel-major ``flatten(1)``.

    On the CPU, oneDNN's convolutions over these small 7x7 maps with 8-32 channels run faster in NHWC than in
    NCHW (a fast-mode fit 1.14 times faster end to end, its pretraining 1.27 times: docs/benchmarks.md, *Speed
    levers*, NHWC); cuDNN also takes NHWC. Every layer after the first keeps the layout of its input. Only when
    ``CHANNELS_LAST`` is set (see above); otherwise ``x`` is returned as it is.
    """
    return x.contiguous(memory_format=torch.channels_last) if CHANNELS_LAST and x.dim() == 4 else x


class ConvAutoencoder(nn.Module):
    """Patch autoencoder of §2.6: three conv/BN/ReLU encoder layers, two decoder layers, no pooling.

    Every layer keeps the spatial size of the input patch (7x7 in SCDSC), so the latent of a pixel is
    ``latent_channels x 7 x 7`` values (1568 for the defaults), flattened channel-major.

    Parameters
    ----------
    in_channels : int, default=8
        Channels of the input patch (the pixel-PCA components).
    latent_channels : int, default=32
        Channels of every hidden layer and of the latent ``z``.
    generator : torch.Generator, optional
        Source of randomness for the initial weights. The initialisation follows PyTorch's defaults
        (Kaiming-uniform with ``a=sqrt(5)`` and the fan-in bias bound), but draws from this generator
        instead of the global one, so that a seed never touches global state.

    Attributes
    ----------
    e1, e2, e3 : nn.Conv2d
        Encoder convolutions (1x1, 3x3, 3x3), each followed by ``bn1``..``bn3`` and ReLU.
    d1 : nn.ConvTranspose2d
        3x3 transposed convolution followed by ``bn4`` and ReLU.
    d2 : nn.ConvTranspose2d
        1x1 transposed convolution back to ``in_channels``, no activation.

    Examples
    --------
    >>> net = ConvAutoencoder(8)
    >>> sum(p.numel() for p in net.parameters())
    28552
    >>> z, x_hat = net(torch.zeros(2, 8, 7, 7))
    >>> tuple(z.shape), tuple(x_hat.shape)
    ((2, 32, 7, 7), (2, 8, 7, 7))
    """

    def __init__(self, in_channels: int = 8, latent_channels: int = LATENT_CHANNELS,
                 generator: Optional[torch.Generator] = None):
        super().__init__()
        c = latent_channels
        self.in_channels = in_channels
        self.latent_channels = latent_channels
        # nn layers initialise themselves from the global RNG; fork it so building a network leaves the
        # caller's random state untouched (the real initialisation comes from ``generator``).
        with torch.random.fork_rng(devices=[]):
            self._build(in_channels, c)
        if generator is not None:
            self.reset_parameters(generator)

    def _build(self, in_channels: int, c: int) -> None:
        self.e1 = nn.Conv2d(in_channels, c, kernel_size=1)
        self.bn1 = nn.BatchNorm2d(c)
        self.e2 = nn.Conv2d(c, c, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(c)
        self.e3 = nn.Conv2d(c, c, kernel_size=3, padding=1)
        self.bn3 = nn.BatchNorm2d(c)
        self.d1 = nn.ConvTranspose2d(c, c, kernel_size=3, stride=1, padding=1)
        self.bn4 = nn.BatchNorm2d(c)
        self.d2 = nn.ConvTranspose2d(c, in_channels, kernel_size=1)

    # The (convolution, batch norm) pairs in forward order; the last decoder layer has no BN.
    def _conv_bn_pairs(self) -> List[Tuple[nn.Module, Optional[nn.BatchNorm2d]]]:
        return [(self.e1, self.bn1), (self.e2, self.bn2), (self.e3, self.bn3), (self.d1, self.bn4), (self.d2, None)]

    def reset_parameters(self, generator: torch.Generator) -> None:
        """Re-initialise every layer as PyTorch's defaults do, drawing from ``generator``."""
        with torch.no_grad():
            for conv, bn in self._conv_bn_pairs():
                nn.init.kaiming_uniform_(conv.weight, a=math.sqrt(5), generator=generator)
                fan_in, _ = nn.init._calculate_fan_in_and_fan_out(conv.weight)
                bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
                nn.init.uniform_(conv.bias, -bound, bound, generator=generator)
                if bn is not None:
                    bn.reset_parameters()

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Latent ``z`` of shape ``(N, latent_channels, h, w)``; non-negative (ReLU output)."""
        h = F.relu(self.bn1(self.e1(as_nhwc(x))))
        h = F.relu(self.bn2(self.e2(h)))
        return F.relu(self.bn3(self.e3(h)))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction ``x_hat`` of shape ``(N, in_channels, h, w)``."""
        return self.d2(F.relu(self.bn4(self.d1(z))))

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Return ``(z, x_hat)``."""
        z = self.encode(x)
        return z, self.decode(z)

    def forward_chunked(self, x: torch.Tensor, chunk_size: int,
                        check: Optional[Callable[[], None]] = None,
                        batch_stats: Optional[Dict[str, Tuple[torch.Tensor, torch.Tensor]]] = None,
                        ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Full-batch forward pass that computes each convolution in chunks.

        The result, its gradients and the BN running-statistics update are those of ``forward(x)``: the
        convolutions are per-sample, so chunking them changes nothing, while every batch norm still sees
        the whole batch (§2.13, train mode over all N pixels). Chunking lets ``check`` run between chunks
        in the forward pass and, through gradient hooks, between chunks of the backward pass, so a long
        full-batch step can be cancelled (§6.2 is about memory; cancellation is a product need).

        Parameters
        ----------
        x : Tensor of shape (N, C, h, w)
        chunk_size : int
            Samples per convolution chunk.
        check : callable, optional
            Called between chunks (forward) and from gradient hooks (backward); it may raise to stop.
        batch_stats : dict, optional
            If given, filled with ``{bn_name: (mean, biased variance)}`` of the batch as each BN saw it
            (detached), so that the caller can store the exact full-batch statistics.

        Returns
        -------
        z, x_hat : Tensor
        """
        h = as_nhwc(x)
        z = None
        names = ["bn1", "bn2", "bn3", "bn4", None]
        for index, ((conv, bn), bn_name) in enumerate(zip(self._conv_bn_pairs(), names)):
            pieces = []
            for piece in h.split(chunk_size):
                if check is not None:
                    check()
                out = conv(piece)
                if check is not None and out.requires_grad:
                    out.register_hook(_checking_hook(check))
                pieces.append(out)
            h = torch.cat(pieces) if len(pieces) > 1 else pieces[0]
            if bn is not None:
                if batch_stats is not None and bn_name is not None:
                    with torch.no_grad():
                        var, mean = torch.var_mean(h.detach().float(), dim=(0, 2, 3), unbiased=False)
                    batch_stats[bn_name] = (mean, var)
                h = F.relu(bn(h))
            if index == 2:
                z = h
        return z, h


def _checking_hook(check: Callable[[], None]) -> Callable[[torch.Tensor], None]:
    """A gradient hook that only calls ``check`` (returning None keeps the gradient unchanged)."""
    def hook(grad: torch.Tensor) -> None:
        check()
    return hook


class FoldedEncoder(nn.Module):
    """Inference-only encoder with each batch norm folded into the preceding convolution.

    Equivalent to ``ConvAutoencoder.encode`` in eval mode (running statistics), with three convolutions
    and ReLUs only. Build it with :func:`fold_batchnorm`.
    """

    def __init__(self, convs: List[nn.Conv2d]):
        super().__init__()
        self.convs = nn.ModuleList(convs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Latent ``z`` (same as the source autoencoder's eval-mode ``encode``)."""
        x = as_nhwc(x)
        for conv in self.convs:
            x = F.relu(conv(x))
        return x


def fold_batchnorm(model: ConvAutoencoder) -> FoldedEncoder:
    """Fold the encoder's batch norms (running statistics) into its convolutions.

    BN in eval mode is the affine map ``y = gamma * (x - mean) / sqrt(var + eps) + beta``, so
    ``BN(conv(x))`` is again a convolution with rescaled weights and a shifted bias. The folded encoder is a
    speed lever for inference; it never trains.

    Parameters
    ----------
    model : ConvAutoencoder

    Returns
    -------
    FoldedEncoder
        On the same device and dtype as ``model``, in eval mode, without gradients.

    Examples
    --------
    >>> net = ConvAutoencoder(8).eval()
    >>> enc = fold_batchnorm(net)
    >>> x = torch.randn(3, 8, 7, 7)
    >>> bool(torch.allclose(enc(x), net.encode(x), atol=1e-5))
    True
    """
    convs = []
    for conv, bn in model._conv_bn_pairs()[:3]:
        scale = bn.weight.detach() / torch.sqrt(bn.running_var.detach() + bn.eps)
        folded = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, padding=conv.padding,
                           bias=True).to(device=conv.weight.device, dtype=conv.weight.dtype)
        with torch.no_grad():
            folded.weight.copy_(conv.weight.detach() * scale.view(-1, 1, 1, 1))
            folded.bias.copy_((conv.bias.detach() - bn.running_mean.detach()) * scale + bn.bias.detach())
        convs.append(folded)
    encoder = FoldedEncoder(convs).eval()
    for parameter in encoder.parameters():
        parameter.requires_grad_(False)
    return encoder


def count_parameters(model: nn.Module) -> int:
    """Number of trainable and non-trainable parameters (BN buffers excluded)."""
    return sum(p.numel() for p in model.parameters())
