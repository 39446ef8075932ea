package io.streamrec.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The item vocabulary ({@code items.txt}) and the retrieval embeddings ({@code item_embeddings.f32}). Model index
 * {@code i+1} is line {@code i}; index 0 means padding or unknown. Immutable after construction; safe to share
 * between threads.
 */
public final class ItemIndex {
    /** Rows per tile of the retrieval layout, see {@link #columnTiles()}. */
    public static final int TILE = 1024;

    private final String[] ids;
    private final IdSlots index;
    private final float[] embeddings;
    private final int dim;
    private volatile float[][][] tiled;

    private ItemIndex(String[] ids, IdSlots index, float[] embeddings, int dim) {
        this.ids = ids;
        this.index = index;
        this.embeddings = embeddings;
        this.dim = dim;
    }

    /** For tests and tools: builds an index from ids and a flat row-major embedding matrix (not copied). */
    public static ItemIndex of(String[] ids, float[] embeddings, int dim) {
        if (embeddings.length != (long) ids.length * dim) {
            throw new IllegalArgumentException("embeddings has " + embeddings.length + " floats, expected "
                    + ids.length + "x" + dim);
        }
        String[] own = ids.clone();
        IdSlots slots = new IdSlots(own);
        if (slots.firstRepeat() >= 0) {
            throw new IllegalArgumentException("duplicate item id " + own[slots.firstRepeat()]);
        }
        return new ItemIndex(own, slots, embeddings, dim);
    }

    static ItemIndex parse(byte[] itemsTxt, byte[] embeddingBytes, int numItems, int dim, String where)
            throws BundleException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(itemsTxt)).toString();
        } catch (CharacterCodingException e) {
            throw new BundleException(where + ": items.txt is not valid UTF-8: " + e.getMessage(), e);
        }
        // One id per line; a final newline does not start another line.
        String[] lines = text.isEmpty() ? new String[0] : text.split("\n", -1);
        int n = lines.length;
        if (n > 0 && lines[n - 1].isEmpty()) {
            n--;
        }
        if (n != numItems) {
            throw new BundleException(where + ": items.txt has " + n + " lines, expected num_items=" + numItems);
        }
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            String id = lines[i];
            if (id.endsWith("\r")) {
                id = id.substring(0, id.length() - 1);
            }
            if (id.isEmpty()) {
                throw new BundleException(where + ": items.txt line " + (i + 1) + " is empty");
            }
            ids[i] = id;
        }
        IdSlots slots = new IdSlots(ids);
        int repeat = slots.firstRepeat();
        if (repeat >= 0) {
            throw new BundleException(where + ": items.txt has duplicate id '" + ids[repeat] + "' on lines "
                    + slots.find(ids[repeat]) + " and " + (repeat + 1));
        }
        long expected = (long) numItems * dim * Float.BYTES;
        if (embeddingBytes.length != expected) {
            throw new BundleException(where + ": item_embeddings.f32 has " + embeddingBytes.length + " bytes, expected "
                    + expected + " (num_items=" + numItems + ", embedding_dim=" + dim + ")");
        }
        float[] emb = new float[numItems * dim];
        ByteBuffer.wrap(embeddingBytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(emb);
        for (int i = 0; i < emb.length; i++) {
            if (!Float.isFinite(emb[i])) {
                throw new BundleException(where + ": item_embeddings.f32 has a non-finite value " + emb[i] + " at row "
                        + (i / dim) + " column " + (i % dim));
            }
        }
        return new ItemIndex(ids, slots, emb, dim);
    }

    /** Model index 1..size() of the id, or 0 if the model does not know it (or id is null). */
    public int indexOf(String itemId) {
        return index.find(itemId);
    }

    /** The id of model index 1..size(); null for 0 or out of range. */
    public String idOf(int modelIndex) {
        return modelIndex >= 1 && modelIndex <= ids.length ? ids[modelIndex - 1] : null;
    }

    /**
     * The embedding matrix, flat and row-major: row {@code r} (model index {@code r+1}) is
     * {@code [r*dim, (r+1)*dim)}. The shared array itself, not a copy: never write to it.
     */
    public float[] embeddings() {
        return embeddings;
    }

    public int dim() {
        return dim;
    }

    public int size() {
        return ids.length;
    }

    /**
     * The same embeddings in a tiled, column-major layout for fast scans: {@code columnTiles()[t][j]} holds, for the
     * rows {@code [t*TILE, t*TILE+TILE)}, the TILE values of dimension {@code j}; the last tile is zero-padded. One
     * array per column (not offsets into one shared array) so a scan's loads and stores use the same index and the
     * JIT can vectorise it: with offsets into one array it cannot rule out overlap, and the scan ran scalar (measured
     * 28 µs for 2,000 items before, see docs/BENCHMARKS.md). Built once on first use and shared.
     */
    public float[][][] columnTiles() {
        float[][][] t = tiled;
        if (t == null) {
            synchronized (this) {
                t = tiled;
                if (t == null) {
                    t = buildTiles();
                    tiled = t;
                }
            }
        }
        return t;
    }

    private float[][][] buildTiles() {
        int n = ids.length;
        int tiles = (n + TILE - 1) / TILE;
        float[][][] t = new float[tiles][dim][TILE];
        for (int r = 0; r < n; r++) {
            int tile = r / TILE;
            int within = r - tile * TILE;
            int src = r * dim;
            for (int j = 0; j < dim; j++) {
                t[tile][j][within] = embeddings[src + j];
            }
        }
        return t;
    }
}
