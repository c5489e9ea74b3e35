"""Tests of the SCDSC autoencoder: architecture, chunked full-batch pass, folded inference encoder."""
# SPDX-License-Identifier: GPL-2.0-or-later
import os

import pytest
import torch

from scdsc_core.errors import ScdscCancelled
from scdsc_core.network import ConvAutoencoder, count_parameters, fold_batchnorm


def test_parameter_count_matches_the_reference_table():
    assert count_parameters(ConvAutoencoder(8)) == 28552


def test_shapes_and_non_negative_latent():
    net = ConvAutoencoder(8, generator=torch.Generator().manual_seed(1))
    x = torch.randn(5, 8, 7, 7)
    z, x_hat = net(x)
    assert z.shape == (5, 32, 7, 7) and x_hat.shape == (5, 8, 7, 7)
    assert (z >= 0).all()
    assert torch.equal(net.encode(x), z)


def test_channels_last_layout_keeps_the_channel_major_latent_and_the_gradients(monkeypatch):
    # With the opt-in NHWC layout, the flattened latent must still be channel-major (the subspace bases and
    # saved models depend on that order), and values and gradients those of an NCHW computation.
    import scdsc_core.network as network
    monkeypatch.setattr(network, "CHANNELS_LAST", True)
    torch.manual_seed(0)
    x = torch.randn(6, 8, 7, 7, dtype=torch.float64)
    net = ConvAutoencoder(8, generator=torch.Generator().manual_seed(5)).double().train()
    z, x_hat = net(x)
    assert z.is_contiguous(memory_format=torch.channels_last)
    ref = torch.nn.functional
    h = x.contiguous()
    for conv, bn in net._conv_bn_pairs()[:3]:
        w = conv.weight.detach().contiguous()
        h = ref.relu(ref.batch_norm(ref.conv2d(h, w, conv.bias.detach(), padding=conv.padding), None, None,
                                    bn.weight.detach(), bn.bias.detach(), training=True))
    assert h.is_contiguous()
    assert torch.allclose(z.flatten(1), h.flatten(1), atol=1e-10)
    assert z.flatten(1)[0, 1] == z[0, 0, 0, 1] and z.flatten(1)[0, 49] == z[0, 1, 0, 0]
    x_hat.sum().backward()
    grad = net.e1.weight.grad.clone()
    plain = ConvAutoencoder(8).double().train()
    plain.load_state_dict(net.state_dict())
    h = ref.relu(plain.bn1(plain.e1(x.contiguous())))
    h = ref.relu(plain.bn2(plain.e2(h)))
    h = ref.relu(plain.bn3(plain.e3(h)))
    plain.d2(ref.relu(plain.bn4(plain.d1(h)))).sum().backward()
    assert torch.allclose(grad, plain.e1.weight.grad, atol=1e-9)


def test_channels_last_lever_is_off_by_default_and_can_be_switched_on(monkeypatch):
    import scdsc_core.network as network
    net = ConvAutoencoder(8, generator=torch.Generator().manual_seed(5)).eval()
    x = torch.randn(3, 8, 7, 7)
    if "SCDSC_CHANNELS_LAST" not in os.environ:
        assert network.CHANNELS_LAST is False
    monkeypatch.setattr(network, "CHANNELS_LAST", False)
    z_nchw = net.encode(x)
    monkeypatch.setattr(network, "CHANNELS_LAST", True)
    z_nhwc = net.encode(x)
    assert z_nchw.is_contiguous() and not z_nhwc.is_contiguous()
    assert torch.allclose(z_nchw, z_nhwc, atol=1e-5)


def test_generator_init_is_reproducible_and_leaves_global_rng_alone():
    state = torch.get_rng_state()
    a = ConvAutoencoder(8, generator=torch.Generator().manual_seed(3))
    b = ConvAutoencoder(8, generator=torch.Generator().manual_seed(3))
    c = ConvAutoencoder(8, generator=torch.Generator().manual_seed(4))
    for (name, pa), pb, pc in zip(a.state_dict().items(), b.state_dict().values(), c.state_dict().values()):
        assert torch.equal(pa, pb), name
    assert not torch.equal(a.e2.weight, c.e2.weight)
    # PyTorch's default bound for the bias of the 3x3 conv: 1/sqrt(32*9)
    assert a.e2.bias.abs().max() <= 1 / (32 * 9) ** 0.5
    assert torch.equal(torch.get_rng_state(), state)


def test_chunked_full_batch_equals_plain_forward_including_grads_and_bn_buffers():
    torch.manual_seed(0)
    x = torch.randn(37, 8, 7, 7, dtype=torch.float64)
    a = ConvAutoencoder(8, generator=torch.Generator().manual_seed(2)).double().train()
    b = ConvAutoencoder(8).double().train()
    b.load_state_dict(a.state_dict())
    za, xa = a(x)
    stats = {}
    zb, xb = b.forward_chunked(x, chunk_size=10, check=lambda: None, batch_stats=stats)
    assert torch.allclose(za, zb, atol=1e-12) and torch.allclose(xa, xb, atol=1e-12)
    ((za ** 2).mean() + (xa ** 2).mean()).backward()
    ((zb ** 2).mean() + (xb ** 2).mean()).backward()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.allclose(pa.grad, pb.grad, atol=1e-12)
    for name in ("running_mean", "running_var"):
        assert torch.allclose(getattr(a.bn3, name), getattr(b.bn3, name), atol=1e-12)
    # the captured batch statistics are those of the first BN's input
    h = a.e1(x)
    assert torch.allclose(stats["bn1"][0], h.mean((0, 2, 3)).float(), atol=1e-6)
    assert torch.allclose(stats["bn1"][1], h.var((0, 2, 3), unbiased=False).float(), atol=1e-6)


def test_chunked_forward_can_be_cancelled_in_the_backward_pass():
    net = ConvAutoencoder(8).train()
    calls = []

    def check():
        calls.append(1)
        if len(calls) > 15:  # forward: 5 layers x 3 chunks = 15 calls; the next one is in backward
            raise ScdscCancelled("stop")

    z, x_hat = net.forward_chunked(torch.randn(30, 8, 7, 7), chunk_size=10, check=check)
    with pytest.raises(ScdscCancelled):
        x_hat.pow(2).mean().backward()


def test_folded_encoder_equals_eval_mode_encoder():
    net = ConvAutoencoder(8, generator=torch.Generator().manual_seed(5))
    net.train()
    for _ in range(3):  # give the BN layers non-trivial running statistics and affine parameters
        net(torch.randn(64, 8, 7, 7) * 2 + 1)
    with torch.no_grad():
        for bn in (net.bn1, net.bn2, net.bn3):
            bn.weight.uniform_(0.5, 1.5)
            bn.bias.uniform_(-0.3, 0.3)
    net.eval()
    folded = fold_batchnorm(net)
    x = torch.randn(20, 8, 7, 7) * 2 + 1
    with torch.no_grad():
        expected = net.encode(x)
    assert torch.allclose(folded(x), expected, atol=1e-5)
    assert not any(p.requires_grad for p in folded.parameters())
