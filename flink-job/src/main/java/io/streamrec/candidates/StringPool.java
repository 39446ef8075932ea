package io.streamrec.candidates;

import static io.streamrec.model.IdSlots.mix;

/**
 * The ids one table references, each held once with a count of its references, and their accounted bytes. Why: an
 * {@link OnlineCovisitation} id is referenced by its own list and by up to every other list as a neighbour; counting it
 * once per reference overstated a table of 32-char ids about fivefold, while counting only the list keys would miss
 * ids still referenced after their own list left. Pooling counts each distinct id once ({@link HeapBytes#of} plus
 * {@link #ENTRY_BYTES}) for as long as anything references it, and makes the table hold one copy of each id however
 * many events, or checkpoint chunks, brought it. Open addressing with linear probing; not thread-safe.
 */
final class StringPool {
    /** Accounted per pooled id: two slots (key reference and count) at a load of at most one half. */
    static final long ENTRY_BYTES = 16;

    private String[] keys = new String[32];
    private int[] refs = new int[32];
    private int size;
    private long bytes;

    /** The pooled instance of {@code id} (equal to it), with one more reference. */
    String acquire(String id) {
        int mask = keys.length - 1;
        int s = mix(id.hashCode()) & mask;
        String k;
        while ((k = keys[s]) != null) {
            if (k == id || k.equals(id)) {
                refs[s]++;
                return k;
            }
            s = (s + 1) & mask;
        }
        keys[s] = id;
        refs[s] = 1;
        bytes += HeapBytes.of(id) + ENTRY_BYTES;
        if (++size * 2 > keys.length) {
            grow();
        }
        return id;
    }

    /** Drops one reference to a pooled id; the last one removes it. */
    void release(String id) {
        int mask = keys.length - 1;
        int s = mix(id.hashCode()) & mask;
        while (!(keys[s] == id || keys[s].equals(id))) {
            s = (s + 1) & mask;
        }
        if (--refs[s] > 0) {
            return;
        }
        bytes -= HeapBytes.of(id) + ENTRY_BYTES;
        size--;
        // backward-shift deletion keeps the probe sequences whole without tombstones
        int hole = s;
        int j = s;
        while (true) {
            j = (j + 1) & mask;
            String p = keys[j];
            if (p == null) {
                break;
            }
            int home = mix(p.hashCode()) & mask;
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                keys[hole] = p;
                refs[hole] = refs[j];
                hole = j;
            }
        }
        keys[hole] = null;
        refs[hole] = 0;
    }

    /** Distinct ids held. */
    int size() {
        return size;
    }

    /** The accounted bytes of the ids held. */
    long bytes() {
        return bytes;
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldRefs = refs;
        keys = new String[oldKeys.length * 2];
        refs = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int s = mix(oldKeys[i].hashCode()) & mask;
                while (keys[s] != null) {
                    s = (s + 1) & mask;
                }
                keys[s] = oldKeys[i];
                refs[s] = oldRefs[i];
            }
        }
    }
}
