"""Train a small MLP classifier with JAX on a GPU.

    python jax_train.py

Uses jax.devices("gpu"), 64-bit floats and a host callback for logging: things that need a second
look before running on Trainium through the JAX Neuron plugin.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax.experimental import host_callback

jax.config.update("jax_enable_x64", True)

gpu = jax.devices("gpu")[0]


def init_params(key, sizes=(784, 512, 256, 10)):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        key, sub = jax.random.split(key)
        params.append((jax.random.normal(sub, (n_in, n_out), dtype=jnp.float64) * jnp.sqrt(2.0 / n_in),
                       jnp.zeros((n_out,), dtype=jnp.float64)))
    return params


def forward(params, x):
    for w, b in params[:-1]:
        x = jax.nn.relu(x @ w + b)
    w, b = params[-1]
    return x @ w + b


def loss_fn(params, x, y):
    logits = forward(params, x)
    return -jnp.mean(jnp.sum(jax.nn.log_softmax(logits) * jax.nn.one_hot(y, 10), axis=-1))


@functools.partial(jax.jit, donate_argnums=0)
def train_step(params, x, y, lr=1e-3):
    loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
    host_callback.id_tap(lambda l, _: print("loss", l), loss)
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), loss


def main():
    rng = np.random.default_rng(0)
    x = jax.device_put(rng.standard_normal((60_000, 784)), gpu)
    y = jax.device_put(rng.integers(0, 10, 60_000), gpu)
    params = jax.device_put(init_params(jax.random.PRNGKey(0)), gpu)
    for epoch in range(5):
        for i in range(0, 60_000, 128):
            params, loss = train_step(params, x[i:i + 128], y[i:i + 128])
            if float(loss) < 0.01:
                break
        print(f"epoch {epoch}: loss {float(loss):.4f}")


if __name__ == "__main__":
    main()
