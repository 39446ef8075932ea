package io.streamrec.model;

import java.util.List;
import java.util.Objects;

/**
 * One entry of the manifest's {@code inputs}/{@code outputs}: a tensor name, its dtype ({@code float32}, {@code int64})
 * and its shape, where each axis is either a fixed size ({@link Long}) or a symbolic name ({@code "batch"},
 * {@code "candidates"}) kept as a {@link String}.
 */
public final class TensorSpec {
    private final String name;
    private final String dtype;
    private final List<Object> shape;

    public TensorSpec(String name, String dtype, List<Object> shape) {
        this.name = Objects.requireNonNull(name);
        this.dtype = Objects.requireNonNull(dtype);
        this.shape = List.copyOf(shape);
    }

    public String name() {
        return name;
    }

    public String dtype() {
        return dtype;
    }

    /** Axes: {@link Long} for a fixed size, {@link String} for a symbolic axis. */
    public List<Object> shape() {
        return shape;
    }

    public int rank() {
        return shape.size();
    }

    @Override
    public String toString() {
        return name + ":" + dtype + shape;
    }
}
