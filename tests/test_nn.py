"""Layers, loss, optimiser and initialisers of cnn_lessons.nn, and the digits loader."""
import numpy as np
import pytest

import cnn_lessons as cl
from cnn_lessons import nn
from cnn_lessons.datasets import load_digits, train_test_split


def _layer_check(layer, x):
    def fwd(v):
        return layer.forward(v)

    def bwd(g, v):
        layer.forward(v)
        return layer.backward(g)

    return cl.gradient_check(fwd, bwd, [x])[0]


@pytest.mark.parametrize("layer", [
    nn.Conv2d(2, 3, 3, rng=0),
    nn.Conv2d(2, 3, (3, 2), stride=2, padding=1, dilation=2, rng=1),
    nn.ReLU(), nn.LeakyReLU(0.1), nn.Tanh(), nn.Sigmoid(),
    nn.MaxPool2d(2), nn.MaxPool2d(3, stride=2, padding=1), nn.AvgPool2d(2), nn.AvgPool2d(3, 2, 1),
    nn.Flatten(),
])
def test_layer_input_gradients(layer):
    x = np.random.default_rng(0).normal(size=(2, 2, 7, 6))
    assert _layer_check(layer, x) < 1e-7


def test_linear_gradients():
    rng = np.random.default_rng(0)
    lin, x = nn.Linear(5, 3, rng=0), rng.normal(size=(4, 5))
    assert _layer_check(lin, x) < 1e-7
    g = rng.normal(size=(4, 3))

    def f(w):
        lin.weight.data[...] = w
        return np.sum(lin.forward(x) * g)

    w0 = lin.weight.data.copy()
    num = cl.numerical_gradient(f, w0)
    lin.weight.data[...] = w0
    lin.zero_grad()
    lin.forward(x)
    lin.backward(g)
    np.testing.assert_allclose(lin.weight.grad, num, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(lin.bias.grad, g.sum(0))


def test_conv_parameter_gradients_accumulate():
    rng = np.random.default_rng(1)
    conv = nn.Conv2d(2, 3, 3, stride=2, padding=1, rng=0)
    x = rng.normal(size=(2, 2, 6, 6))
    g = rng.normal(size=conv(x).shape)
    _, dw, db = cl.conv2d_backward(g, x, conv.weight.data, conv.bias.data, stride=2, padding=1)
    conv.backward(g)
    conv.backward(g)
    np.testing.assert_allclose(conv.weight.grad, 2 * dw)
    np.testing.assert_allclose(conv.bias.grad, 2 * db)
    conv.zero_grad()
    assert not conv.weight.grad.any()


def test_sequential_matches_chained_layers():
    rng = np.random.default_rng(2)
    net = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1, rng=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(8, 3, rng=1))
    x = rng.normal(size=(3, 1, 4, 4))
    assert _layer_check(net, x) < 1e-7
    out = net(x, keep=True)
    assert len(net.outputs) == 5 and out is net.outputs[-1]
    assert len(net.parameters()) == 4


def test_backward_before_forward_raises():
    with pytest.raises(RuntimeError, match="call forward first"):
        nn.ReLU().backward(np.ones(2))


def test_cross_entropy_matches_loop_and_gradient():
    rng = np.random.default_rng(3)
    logits, y = rng.normal(size=(6, 4)) * 5, np.array([0, 1, 2, 3, 3, 1])
    loop = np.mean([-(s[k] - np.log(np.sum(np.exp(s)))) for s, k in zip(logits, y)])
    assert nn.cross_entropy(logits, y) == pytest.approx(loop, rel=1e-12)
    num = cl.numerical_gradient(lambda v: nn.cross_entropy(v, y), logits)
    np.testing.assert_allclose(nn.cross_entropy_backward(logits, y), num, atol=1e-8)
    assert np.isfinite(nn.cross_entropy(np.array([[1000.0, 0.0]]), np.array([1])))


def test_cross_entropy_label_errors():
    with pytest.raises(ValueError, match="labels must lie in"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="integers"):
        nn.cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_sgd_momentum_matches_formula():
    p = nn.Parameter(np.array([1.0, 2.0]))
    opt = nn.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01)
    v, ref = np.zeros(2), p.data.copy()
    for g in ([1.0, -1.0], [0.5, 2.0], [0.0, 1.0]):
        p.grad[...] = g
        opt.step()
        v = 0.9 * v + (np.array(g) + 0.01 * ref)
        ref = ref - 0.1 * v
        np.testing.assert_allclose(p.data, ref)


def test_sgd_argument_errors():
    with pytest.raises(ValueError, match="lr"):
        nn.SGD([], lr=-1)
    with pytest.raises(TypeError, match="Parameter"):
        nn.SGD([np.zeros(2)], lr=0.1)


@pytest.mark.parametrize("init, target", [
    (nn.he_normal, lambda fi, fo: 2 / fi), (nn.lecun_normal, lambda fi, fo: 1 / fi),
    (nn.xavier_normal, lambda fi, fo: 2 / (fi + fo)),
])
def test_init_variances(init, target):
    shape = (64, 32, 3, 3)
    fi, fo = nn.fan_in_and_fan_out(shape)
    w = init(shape, rng=0)
    assert w.var() == pytest.approx(target(fi, fo), rel=0.03)
    assert abs(w.mean()) < 0.01 * np.sqrt(target(fi, fo)) * 10


def test_training_lowers_the_loss_on_digits():
    images, labels = load_digits()
    idx = np.arange(200)
    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(64, 10, rng=rng))
    loss_fn, opt = nn.CrossEntropyLoss(), nn.SGD(net.parameters(), lr=0.05, momentum=0.9)
    first = loss_fn(net(images[idx]), labels[idx])
    for _ in range(3):
        for s in range(0, 200, 20):
            b = idx[s:s + 20]
            opt.zero_grad()
            loss_fn(net(images[b]), labels[b])
            net.backward(loss_fn.backward())
            opt.step()
    assert loss_fn(net(images[idx]), labels[idx]) < 0.5 * first


def test_load_digits_and_split():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float64
    assert images.min() == 0 and images.max() == 1
    raw, _ = load_digits(normalize=False)
    assert raw.dtype == np.uint8 and raw.max() == 16
    train, test = train_test_split(labels, 0.2, seed=0)
    assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 1797
    assert np.all(np.abs(np.bincount(labels[test]) - 0.2 * np.bincount(labels)) <= 0.5)
