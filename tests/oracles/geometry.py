"""Plain-loop oracles for output sizes and receptive fields, written from the definitions."""


def output_length(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Count the windows by sliding one along the padded input, one position at a time.

    A window starting at padded position `start` covers `start + dilation*a`
    for a in 0..kernel_size-1. Without ceil_mode it must end inside the padded
    input. With ceil_mode (PyTorch pooling) one more window may overhang the
    right edge (rounding up), if the window before it did not already reach
    the last padded position; and in ceil_mode no window may start inside
    the right padding.
    """
    padded = size + 2 * padding
    last_tap = dilation * (kernel_size - 1)
    count = 0
    start = 0
    while True:
        fits = start + last_tap < padded
        overhangs_once = ceil_mode and (start - stride) + last_tap < padded - 1
        if not (fits or overhangs_once):
            break
        # PyTorch's ceil_mode rule: no window may start inside the right padding.
        if not ceil_mode or start < size + padding:
            count += 1
        start += stride
    return count


def receptive_field_by_tracing(layers):
    """Receptive field size of the last layer's output 0, by tracing which input pixels it reads.

    Works backwards: the set of positions of layer l-1 that output position
    set P of layer l reads is {p*s - pad + d*a}. Returns (size, first input position).
    """
    positions = {0}
    for layer in reversed(layers):
        k = layer["kernel_size"]
        s = layer.get("stride", 1)
        p = layer.get("padding", 0)
        d = layer.get("dilation", 1)
        positions = {q * s - p + d * a for q in positions for a in range(k)}
    return max(positions) - min(positions) + 1, min(positions)
