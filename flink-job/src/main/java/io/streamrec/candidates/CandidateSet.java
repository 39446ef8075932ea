package io.streamrec.candidates;

import java.util.Arrays;

/**
 * A reusable list of distinct candidates with the source that first proposed each and its model index (0 if the
 * model does not know the item). Not thread-safe. {@link CandidateGenerator} does the deduplication.
 */
public final class CandidateSet {
    private String[] items;
    private CandidateSource[] sources;
    private int[] modelIndices;
    private int size;

    public CandidateSet() {
        this(256);
    }

    public CandidateSet(int initialCapacity) {
        int cap = Math.max(1, initialCapacity);
        items = new String[cap];
        sources = new CandidateSource[cap];
        modelIndices = new int[cap];
    }

    public int size() {
        return size;
    }

    public String item(int i) {
        checkIndex(i);
        return items[i];
    }

    /** The first source that proposed item i. */
    public CandidateSource source(int i) {
        checkIndex(i);
        return sources[i];
    }

    /** The model index of item i (0 = unknown to the model). */
    public int modelIndex(int i) {
        checkIndex(i);
        return modelIndices[i];
    }

    /**
     * The backing array of item ids, valid in {@code [0, size())} until the next change: hand it to
     * {@code RankRequest.candidates} without copying.
     */
    public String[] itemArray() {
        return items;
    }

    /**
     * The backing array of model indices, valid in {@code [0, size())} until the next change: hand it to
     * {@code RankRequest.candidateIndices} without copying.
     */
    public int[] modelIndexArray() {
        return modelIndices;
    }

    public void clear() {
        Arrays.fill(items, 0, size, null);
        size = 0;
    }

    /** Appends without deduplication; callers that need distinct items check first. */
    public void add(String item, int modelIndex, CandidateSource source) {
        if (size == items.length) {
            int cap = items.length * 2;
            items = Arrays.copyOf(items, cap);
            sources = Arrays.copyOf(sources, cap);
            modelIndices = Arrays.copyOf(modelIndices, cap);
        }
        items[size] = item;
        sources[size] = source;
        modelIndices[size] = modelIndex;
        size++;
    }

    /** Drops entries from {@code newSize} on, clearing their dedupe marks in {@code seen}. */
    void truncate(int newSize, int[] seen) {
        for (int i = newSize; i < size; i++) {
            if (modelIndices[i] > 0) {
                seen[modelIndices[i]] = 0;
            }
            items[i] = null;
        }
        size = Math.min(size, newSize);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("candidate " + i + " of " + size);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            sb.append(i == 0 ? "" : ", ").append(items[i]).append('/').append(sources[i].wireName());
        }
        return sb.append(']').toString();
    }
}
