"""The classic autoencoder family, for learning and comparison (not shipped to the page).

All three keep the model contract's input (`[N, H, W, 4]`: noisy RGB + sigma map) and
output (`[N, H, W, 3]` clean RGB), so training, evaluation and the pictures treat them
exactly like the U-Net. None has skip connections or a residual path: what they show
is what an encoder-decoder alone can keep of an image.

- undercomplete: conv encoder -> fully connected bottleneck of `bottleneck` numbers ->
  symmetric conv decoder. Needs a fixed input size (the dense layers see every pixel).
- sparse: fully convolutional with an overcomplete code (more numbers than the input
  has); an activity penalty on the code (L1, or KL towards a target rate rho) is what
  keeps it from copying.
- vae: Gaussian encoder q(z|x) (mean and log-variance maps), the reparameterisation
  trick, and a KL term towards N(0, I): the loss is the negative ELBO. The encoder sees
  the noisy image, the decoder reconstructs the clean one.

Encoder layers are named `enc_*` (nested encoder: `encoder`), so `--init-from` can
carry them from one run to the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
from keras import layers, ops

ENCODER_PREFIXES = ("enc", "head", "down")


@dataclass(frozen=True)
class AutoencoderOptions:
    """What the command line can set; defaults follow the classic presentations."""

    bottleneck: int = 10  # undercomplete: numbers in the code
    input_size: int = 64  # undercomplete: fixed H = W
    sparsity: str = "l1"  # sparse: "l1" or "kl"
    sparsity_weight: float = 1e-3  # sparse: weight of the penalty in the loss
    sparsity_target: float = 0.05  # sparse, kl: target mean activation rho
    beta: float = 0.01  # vae: weight of the KL term (see GaussianSample)


@keras.saving.register_keras_serializable(package="denoiser")
class SparsityPenalty(layers.Layer):
    """Identity on the code; adds `weight * penalty(code)` to the model's losses.

    l1: mean |a| over the code. kl: sum over code channels of KL(rho || rho_hat), where
    rho_hat is a channel's mean activation over the batch and positions (the code must
    then lie in (0, 1): a sigmoid). Keras' ActivityRegularization only has L1/L2,
    hence this layer.
    """

    def __init__(self, kind: str, weight: float, target: float, **kwargs: object) -> None:
        super().__init__(**kwargs)
        if kind not in ("l1", "kl"):
            raise ValueError(f"sparsity must be 'l1' or 'kl', not {kind!r}")
        self.kind, self.weight, self.target = kind, weight, target

    def penalty(self, code: keras.KerasTensor) -> keras.KerasTensor:
        code = ops.cast(code, "float32")
        if self.kind == "l1":
            return ops.mean(ops.abs(code))
        rho_hat = ops.clip(ops.mean(code, axis=(0, 1, 2)), 1e-6, 1 - 1e-6)
        rho = self.target
        kl = rho * ops.log(rho / rho_hat) + (1 - rho) * ops.log((1 - rho) / (1 - rho_hat))
        return ops.sum(kl)

    def call(self, code: keras.KerasTensor) -> keras.KerasTensor:
        if self.weight:
            self.add_loss(self.weight * self.penalty(code))
        return code

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "kind": self.kind,
            "weight": self.weight,
            "target": self.target,
        }


@keras.saving.register_keras_serializable(package="denoiser")
class GaussianSample(layers.Layer):
    """[z_mean, z_log_var] -> z: a draw from q(z|x) in training, the mean otherwise.

    Adds the KL term `beta * KL(q(z|x) || N(0, I))` to the model's losses, summed over
    the latent and divided by the number of output values (H * W * 3 = latent
    positions * 48, the decoder upsamples 4x), so that with a mean-squared-error
    reconstruction the total is the negative ELBO per output value of a Gaussian
    decoder with variance beta / 2 (beta = 1: the textbook loss with variance 1/2;
    smaller beta: a sharper decoder).
    """

    def __init__(self, beta: float, seed: int | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.beta, self.seed = beta, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    @staticmethod
    def kl_per_image(z_mean: keras.KerasTensor, z_log_var: keras.KerasTensor):  # noqa: ANN205
        terms = 1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var)
        return -0.5 * ops.sum(terms, axis=(1, 2, 3))

    def call(self, inputs: list, training: bool | None = None) -> keras.KerasTensor:
        z_mean, z_log_var = (ops.cast(t, "float32") for t in inputs)
        height, width = ops.shape(z_mean)[1], ops.shape(z_mean)[2]
        outputs_per_image = ops.cast(height * width * 48, "float32")
        self.add_loss(
            self.beta * ops.mean(self.kl_per_image(z_mean, z_log_var)) / outputs_per_image
        )
        if not training:
            return z_mean
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape: list) -> tuple:
        return input_shape[0]

    def get_config(self) -> dict:
        return {**super().get_config(), "beta": self.beta, "seed": self.seed}


def _conv(width: int, name: str, strides: int = 1, activation: str | None = "relu"):  # noqa: ANN202
    return layers.Conv2D(
        width, 3, strides=strides, padding="same", activation=activation, name=name
    )


def _up(width: int, name: str):  # noqa: ANN202
    return layers.Conv2DTranspose(width, 2, strides=2, activation="relu", name=name)


def _to_rgb(x: keras.KerasTensor) -> keras.KerasTensor:
    return layers.Conv2D(3, 3, padding="same", name="dec_rgb", dtype="float32")(x)


def build_undercomplete(
    options: AutoencoderOptions, name: str, input_size: int | None = None
) -> keras.Model:
    """64x64x4 -> conv 32/64/64 (stride 2 each) -> Dense(bottleneck) -> mirror."""
    size = options.input_size
    if size % 8:
        raise ValueError(f"the undercomplete autoencoder needs a size divisible by 8, not {size}")
    inputs = keras.Input((size, size, 4), name="noisy_and_sigma")
    x = _conv(32, "enc_conv1", strides=2)(inputs)
    x = _conv(64, "enc_conv2", strides=2)(x)
    x = _conv(64, "enc_conv3", strides=2)(x)
    grid = x.shape[1:]
    x = layers.Flatten(name="enc_flatten")(x)
    code = layers.Dense(options.bottleneck, name="enc_code")(x)
    x = layers.Dense(int(grid[0] * grid[1] * grid[2]), activation="relu", name="dec_dense")(code)
    x = layers.Reshape(tuple(grid), name="dec_reshape")(x)
    x = _up(64, "dec_up3")(x)
    x = _up(32, "dec_up2")(x)
    x = _up(32, "dec_up1")(x)
    return keras.Model(inputs, _to_rgb(x), name=name)


def build_sparse(
    options: AutoencoderOptions, name: str, input_size: int | None = None
) -> keras.Model:
    """Fully convolutional; the code has 192 channels at half resolution (48 numbers per
    input pixel against 3): overcomplete, kept from copying only by the penalty."""
    inputs = keras.Input((input_size, input_size, 4), name="noisy_and_sigma")
    x = _conv(48, "enc_conv1")(inputs)
    x = _conv(96, "enc_down", strides=2)(x)
    activation = "sigmoid" if options.sparsity == "kl" else "relu"
    code = _conv(192, "enc_code", activation=activation)(x)
    code = SparsityPenalty(
        options.sparsity,
        options.sparsity_weight,
        options.sparsity_target,
        name="sparsity",
        dtype="float32",
    )(code)
    x = _up(96, "dec_up")(code)
    x = _conv(48, "dec_conv1")(x)
    return keras.Model(inputs, _to_rgb(x), name=name)


def build_vae(
    options: AutoencoderOptions,
    name: str,
    input_size: int | None = None,
    seed: int | None = None,
) -> keras.Model:
    """Encoder (noisy + sigma -> 16-channel latent mean/log-variance at 1/4 resolution),
    GaussianSample, decoder (latent -> clean RGB). The decoder is its own nested model
    so `training.sample` can feed it draws from the prior."""
    inputs = keras.Input((input_size, input_size, 4), name="noisy_and_sigma")
    x = _conv(48, "enc_conv1")(inputs)
    x = _conv(64, "enc_down1", strides=2)(x)
    x = _conv(96, "enc_down2", strides=2)(x)
    z_mean = layers.Conv2D(LATENT_CHANNELS, 1, name="enc_z_mean")(x)
    z_log_var = layers.Conv2D(LATENT_CHANNELS, 1, name="enc_z_log_var")(x)
    encoder = keras.Model(inputs, [z_mean, z_log_var], name="encoder")

    latent_size = input_size // 4 if input_size else None
    latent = keras.Input((latent_size, latent_size, LATENT_CHANNELS), name="z")
    y = _up(96, "dec_up2")(latent)
    y = _conv(64, "dec_conv2")(y)
    y = _up(64, "dec_up1")(y)
    y = _conv(48, "dec_conv1")(y)
    decoder = keras.Model(latent, _to_rgb(y), name="decoder")

    z = GaussianSample(options.beta, seed=seed, name="sample", dtype="float32")(encoder(inputs))
    return keras.Model(inputs, decoder(z), name=name)


LATENT_CHANNELS = 16
BUILDERS = {"undercomplete": build_undercomplete, "sparse": build_sparse, "vae": build_vae}
SIZE_MULTIPLES = {"sparse": 2, "vae": 4}
