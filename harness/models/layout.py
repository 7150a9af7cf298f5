"""Where a stack's skip connections and a conv stack's max-pools go.

Skips (`model.residual`) join hidden layers of the dense and conv types; a conv model halves its
maps with 2 x 2 max-pools after the conv layers that `model.pool` lists, and `default_pools`
places them when a config does not. Plain arithmetic on layer numbers, for the config's checks
and the builders alike.

Example:
    >>> default_pools(depth=8, residual=0, image_size=(28, 28))
    [3, 5]
    >>> default_pools(depth=8, residual=0, image_size=(8, 8))
    []
"""

MIN_SIDE = 7  # default pools stop before the map gets smaller than 7 x 7 (MNIST: two pools)


def skips(depth: int, residual: int) -> list[tuple[int, int]]:
    """(start, end) hidden-layer indices from 0: layer `start`'s output, as layer `start + 1`
    receives it (after its pool, in a conv model), is added to layer `end`'s output.

    The first layer has no skip around it: it maps the input to the model's width or filters.
    """
    if residual == 0:
        return []
    return [(k - 1, k + residual - 1) for k in range(1, depth - residual + 1, residual)]


def pool_inside(skip: tuple[int, int], k: int) -> bool:
    """Whether a pool after conv_`k` (from 1) falls inside `skip`, between the map the skip
    carries and the one it is added to (they would differ in size)."""
    start, end = skip
    return start + 2 <= k <= end


def max_pools(image_size: tuple[int, int]) -> int:
    """Pools an image can take before its map shrinks to nothing (2 x 2 pools floor-halve it)."""
    return min(image_size).bit_length() - 1


def default_pools(depth: int, residual: int, image_size: tuple[int, int] | None) -> list[int]:
    """Where `model.pool` puts 2 x 2 max-pools when a config does not say: conv layers from 1.

    As many pools as keep the map at `MIN_SIDE` x `MIN_SIDE` or more (28 x 28: two, to 7 x 7;
    8 x 8: none), spread evenly through the stack (depth 8: after conv_3 and conv_5), never
    inside a skip connection.

    Args:
        depth: conv layers.
        residual: `model.residual` (0, 1 or 2).
        image_size: (height, width) of the images; None (not images): no pools.

    Returns:
        Sorted conv layer numbers from 1, each followed by a pool.
    """
    if not image_size or depth < 1:
        return []
    wanted, side = 0, min(image_size)
    while side // 2 >= MIN_SIDE:
        wanted, side = wanted + 1, side // 2
    blocks = skips(depth, residual)
    allowed = [k for k in range(1, depth + 1) if not any(pool_inside(s, k) for s in blocks)]
    wanted = min(wanted, len(allowed))
    chosen: list[int] = []
    for i in range(1, wanted + 1):
        at = max(round(i * len(allowed) / (wanted + 1)) - 1, 0)
        at = max(at, allowed.index(chosen[-1]) + 1 if chosen else 0)
        chosen.append(allowed[min(at, len(allowed) - (wanted - i) - 1)])
    return chosen
