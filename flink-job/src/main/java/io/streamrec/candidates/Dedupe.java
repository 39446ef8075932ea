package io.streamrec.candidates;

import io.streamrec.model.ItemIndex;

import java.util.function.Predicate;

/**
 * Which items one event's candidate set already holds, so that every source adds an item at most once (the first
 * source to propose it keeps it). Model items carry a stamp per model index, unknown ids are checked by scanning the
 * set (there are few). Why a class: the sources run in two steps ({@link CandidateGenerator#begin}, then
 * {@link CandidateGenerator#complete} with the micro-batch) and the retrieval search skips stamped items itself.
 * Not thread-safe.
 */
final class Dedupe {
    private final ItemIndex items;
    private final int[] seen;
    private int stamp;

    Dedupe(ItemIndex items) {
        this.items = items;
        this.seen = new int[items.size() + 1];
    }

    /** A new, empty stamp: the start of an event's set. */
    void next() {
        if (++stamp == 0) { // wrapped: reset the stamps
            java.util.Arrays.fill(seen, 0);
            stamp = 1;
        }
    }

    /** A new stamp holding exactly the set's model items: to go on with a set started earlier. */
    void restamp(CandidateSet set) {
        next();
        for (int i = 0, size = set.size(); i < size; i++) {
            int idx = set.modelIndex(i);
            if (idx > 0) {
                seen[idx] = stamp;
            }
        }
    }

    /** The stamps and the current one, for a search that skips the set's model items ({@link IvfIndex#search}). */
    int[] marks() {
        return seen;
    }

    int stamp() {
        return stamp;
    }

    /** Drops the set's entries from {@code start} on, and their stamps. */
    void truncate(CandidateSet out, int start) {
        out.truncate(start, seen);
    }

    /** Adds the item unless it is null, already present or excluded. idx = -1: look it up. */
    boolean tryAdd(String id, int idx, Predicate<String> excluded, CandidateSource src, CandidateSet out) {
        if (id == null) {
            return false;
        }
        if (idx < 0) {
            idx = items.indexOf(id);
        }
        if (idx > 0) {
            if (seen[idx] == stamp) {
                return false;
            }
        } else {
            String[] arr = out.itemArray();
            for (int i = 0, s = out.size(); i < s; i++) {
                if (out.modelIndex(i) == 0 && arr[i].equals(id)) {
                    return false;
                }
            }
        }
        if (excluded != null && excluded.test(id)) {
            return false;
        }
        if (idx > 0) {
            seen[idx] = stamp;
        }
        out.add(id, idx, src);
        return true;
    }
}
