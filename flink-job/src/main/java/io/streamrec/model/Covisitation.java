package io.streamrec.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The co-visitation lists of {@code covisit.json}: for an item, its neighbours with weights, descending. Immutable;
 * lookups ({@link #neighbours(String)}, {@link #weight(String, String)}) are allocation-free.
 */
public final class Covisitation {
    /** The neighbour list of one item. */
    public static final class Neighbours {
        private final String[] ids;
        private final float[] weights;
        private final int[] modelIndices;
        /** Each id's position. */
        private final IdSlots slots;

        Neighbours(String[] ids, float[] weights, ItemIndex items) {
            this.ids = ids;
            this.weights = weights;
            this.modelIndices = new int[ids.length];
            this.slots = new IdSlots(ids);
            for (int i = 0; i < ids.length; i++) {
                modelIndices[i] = items == null ? 0 : items.indexOf(ids[i]);
            }
        }

        public int size() {
            return ids.length;
        }

        public String id(int i) {
            return ids[i];
        }

        public float weight(int i) {
            return weights[i];
        }

        /** The model index of neighbour i (0 if the vocabulary does not know it). */
        public int modelIndex(int i) {
            return modelIndices[i];
        }

        /** The weight of {@code to} in this list, or 0. */
        public float weightOf(String to) {
            int p = slots.find(to);
            return p == 0 ? 0f : weights[p - 1];
        }

        /** A copy of the ids, descending by weight. */
        public String[] ids() {
            return ids.clone();
        }

        /** A copy of the weights, descending. */
        public float[] weights() {
            return weights.clone();
        }
    }

    private final Map<String, Neighbours> lists;
    private final ItemIndex items;

    private Covisitation(Map<String, Neighbours> lists, ItemIndex items) {
        this.lists = lists;
        this.items = items;
    }

    /**
     * The vocabulary the neighbours' {@link Neighbours#modelIndex model indices} refer to (null: none, every index
     * is 0); a consumer may use those indices only when it scores against this same vocabulary.
     */
    public ItemIndex itemIndex() {
        return items;
    }

    /** For tests and tools. {@code items} may be null (then neighbour model indices are 0). */
    public static Covisitation of(Map<String, Map.Entry<String[], float[]>> lists, ItemIndex items) {
        Map<String, Neighbours> m = new HashMap<>();
        for (Map.Entry<String, Map.Entry<String[], float[]>> e : lists.entrySet()) {
            m.put(e.getKey(), new Neighbours(e.getValue().getKey().clone(), e.getValue().getValue().clone(), items));
        }
        return new Covisitation(m, items);
    }

    /** Streams covisit.json; checks each list is sorted by weight descending with weights > 0. */
    static Covisitation parse(byte[] json, ItemIndex items, String where) throws BundleException {
        Map<String, Neighbours> lists = new HashMap<>();
        String file = where + ": covisit.json";
        try (JsonParser p = BundleManifest.JSON.getFactory().createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, file, "a JSON object");
            boolean seen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (!"neighbours".equals(key)) {
                    p.nextToken();
                    p.skipChildren();
                    continue;
                }
                seen = true;
                expect(p.nextToken(), JsonToken.START_OBJECT, file, "neighbours to be an object");
                List<String> ids = new ArrayList<>();
                float[] w = new float[16];
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String item = p.currentName();
                    expect(p.nextToken(), JsonToken.START_ARRAY, file, "neighbours." + item + " to be a list");
                    ids.clear();
                    int n = 0;
                    float prev = Float.POSITIVE_INFINITY;
                    while (p.nextToken() == JsonToken.START_ARRAY) {
                        expect(p.nextToken(), JsonToken.VALUE_STRING, file,
                                "neighbours." + item + " entries to be [\"ID\", weight]");
                        String id = p.getText();
                        JsonToken t = p.nextToken();
                        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                            throw new BundleException(file + " neighbours." + item + " entry " + id
                                    + " has no numeric weight");
                        }
                        double wd = p.getDoubleValue();
                        expect(p.nextToken(), JsonToken.END_ARRAY, file,
                                "neighbours." + item + " entries to be [\"ID\", weight]");
                        float wf = (float) wd;
                        if (!(wd > 0) || !Float.isFinite(wf)) {
                            throw new BundleException(file + " neighbours." + item + " has weight " + wd + " for " + id
                                    + ", weights must be > 0");
                        }
                        if (wf > prev) {
                            throw new BundleException(file + " neighbours." + item
                                    + " is not sorted by weight descending (at " + id + ")");
                        }
                        prev = wf;
                        if (n == w.length) {
                            w = java.util.Arrays.copyOf(w, n * 2);
                        }
                        ids.add(id);
                        w[n++] = wf;
                    }
                    lists.put(item, new Neighbours(ids.toArray(new String[0]), java.util.Arrays.copyOf(w, n), items));
                }
            }
            if (!seen) {
                throw new BundleException(file + " has no key 'neighbours'");
            }
        } catch (IOException e) {
            throw new BundleException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        return new Covisitation(lists, items);
    }

    private static void expect(JsonToken got, JsonToken want, String file, String what) throws BundleException {
        if (got != want) {
            throw new BundleException(file + ": expected " + what + ", found " + got);
        }
    }

    /** The neighbour list of an item, or null if it has none. */
    public Neighbours neighbours(String itemId) {
        return itemId == null ? null : lists.get(itemId);
    }

    /** {@code to}'s weight in {@code from}'s list, or 0. */
    public float weight(String from, String to) {
        Neighbours n = neighbours(from);
        return n == null || to == null ? 0f : n.weightOf(to);
    }

    /** Number of items that have a neighbour list. */
    public int size() {
        return lists.size();
    }
}
