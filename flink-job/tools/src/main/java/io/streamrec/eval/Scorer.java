package io.streamrec.eval;

import io.streamrec.event.EventType;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores lists against next items: full-catalogue ranking, no sampled negatives (an item absent from the list is a
 * miss). HR@10, HR@20, MRR@20 and NDCG@20 (one relevant item: 1/log2(rank+1)), per method, per protocol ("all" next
 * events, on the method's list; "new": next item not in the user's history, on the method's discovery list) and per
 * group of the next event's type. For continuity, the "new" events are also scored on the main list
 * ({@link MethodScores#newOnMainList}).
 */
public final class Scorer {
    public static final String[] PROTOCOLS = {"all", "new"};
    public static final String[] GROUPS = {"all", "click", "cart", "purchase", "other"};
    public static final String[] METRICS = {"HR@10", "HR@20", "MRR@20", "NDCG@20"};

    /** Running sums of one cell. */
    public static final class Acc {
        long n;
        double hr10;
        double hr20;
        double mrr20;
        double ndcg20;

        /** @param rank 1-based rank of the target in the list, 0 if absent */
        void add(int rank) {
            n++;
            if (rank >= 1 && rank <= 10) {
                hr10++;
            }
            if (rank >= 1 && rank <= 20) {
                hr20++;
                mrr20 += 1.0 / rank;
                ndcg20 += 1.0 / (Math.log(rank + 1) / Math.log(2));
            }
        }

        public long count() {
            return n;
        }

        public double get(String metric) {
            if (n == 0) {
                return 0.0;
            }
            return switch (metric) {
                case "HR@10" -> hr10 / n;
                case "HR@20" -> hr20 / n;
                case "MRR@20" -> mrr20 / n;
                case "NDCG@20" -> ndcg20 / n;
                default -> throw new IllegalArgumentException(metric);
            };
        }

        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String k : METRICS) {
                m.put(k, get(k));
            }
            return m;
        }
    }

    /** All cells of one method, and the items it recommended (for catalogue coverage). */
    public static final class MethodScores {
        final Map<String, Map<String, Acc>> cells = new LinkedHashMap<>();
        final Set<String> recommended = new HashSet<>();
        /** Per scored event, in scoring order: the reciprocal rank at 20 (paired comparisons between methods). */
        final Map<String, DoubleList> reciprocalRanks = new LinkedHashMap<>();
        long emptyLists;
        /** The {@code new} protocol's events scored on the main list instead of the discovery list. */
        final Acc newOnMainList = new Acc();
        /** Targets found anywhere in the list, beyond 20 too (= candidate recall when recs.top-k is large). */
        final Map<String, long[]> hitAnywhere = new LinkedHashMap<>();

        MethodScores() {
            for (String p : PROTOCOLS) {
                reciprocalRanks.put(p, new DoubleList());
                hitAnywhere.put(p, new long[1]);
                Map<String, Acc> g = new LinkedHashMap<>();
                for (String group : GROUPS) {
                    g.put(group, new Acc());
                }
                cells.put(p, g);
            }
        }

        public Acc cell(String protocol, String group) {
            return cells.get(protocol).get(group);
        }

        public int distinctRecommended() {
            return recommended.size();
        }

        public Acc newOnMainList() {
            return newOnMainList;
        }

        public long emptyLists() {
            return emptyLists;
        }

        /** Fraction of scored events whose target is anywhere in the emitted list (not only the top 20). */
        public double hitAnywhere(String protocol) {
            long n = cell(protocol, "all").count();
            return n == 0 ? 0.0 : (double) hitAnywhere.get(protocol)[0] / n;
        }

        public double[] reciprocalRanks(String protocol) {
            return reciprocalRanks.get(protocol).toArray();
        }
    }

    /** A growable array of doubles. */
    static final class DoubleList {
        private double[] a = new double[1024];
        private int n;

        void add(double x) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = x;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    /**
     * Paired bootstrap of the relative MRR@20 difference {@code mean(a)/mean(b) - 1} over the same events: returns
     * {2.5 %, 97.5 %} percentiles. Deterministic (fixed seed).
     */
    public static double[] relativeDifferenceCi(double[] a, double[] b, int rounds) {
        int n = a.length;
        if (n == 0 || n != b.length) {
            return new double[] {Double.NaN, Double.NaN};
        }
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(12345);
        double[] rel = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double sa = 0;
            double sb = 0;
            for (int i = 0; i < n; i++) {
                int j = rnd.nextInt(n);
                sa += a[j];
                sb += b[j];
            }
            rel[r] = sb > 0 ? sa / sb - 1 : (sa > 0 ? Double.POSITIVE_INFINITY : 0);
        }
        java.util.Arrays.sort(rel);
        return new double[] {rel[(int) (0.025 * (rounds - 1))], rel[(int) Math.ceil(0.975 * (rounds - 1))]};
    }

    private final Map<String, MethodScores> methods = new LinkedHashMap<>();

    /** The OTTO-style group of an event type: views and clicks are "click", add_to_cart is "cart". */
    public static String group(EventType t) {
        return switch (t) {
            case VIEW, CLICK -> "click";
            case ADD_TO_CART -> "cart";
            case PURCHASE -> "purchase";
            default -> "other";
        };
    }

    /** 1-based rank of {@code target} within the first {@code k} entries of {@code list}; 0 if absent. */
    public static int rank(List<String> list, String target, int k) {
        int n = Math.min(k, list.size());
        for (int i = 0; i < n; i++) {
            if (target.equals(list.get(i))) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Scores one list of {@code method} against the next item; the list serves discovery too. */
    public void score(String method, List<String> list, String target, EventType nextType, boolean newItem) {
        score(method, list, null, target, nextType, newItem);
    }

    /**
     * Scores one event of {@code method}: {@code list} in the {@code all} protocol and, when the next item is new,
     * {@code discover} (or {@code list} if null) in the {@code new} protocol.
     */
    public void score(String method, List<String> list, List<String> discover, String target, EventType nextType,
            boolean newItem) {
        MethodScores m = methods.computeIfAbsent(method, x -> new MethodScores());
        int r = rank(list, target, 20);
        double rr = r > 0 ? 1.0 / r : 0.0;
        boolean anywhere = r > 0 || list.contains(target);
        String g = group(nextType);
        m.cell("all", "all").add(r);
        m.cell("all", g).add(r);
        m.reciprocalRanks.get("all").add(rr);
        if (anywhere) {
            m.hitAnywhere.get("all")[0]++;
        }
        if (newItem) {
            m.newOnMainList.add(r);
            List<String> d = discover == null ? list : discover;
            int rd = rank(d, target, 20);
            m.cell("new", "all").add(rd);
            m.cell("new", g).add(rd);
            m.reciprocalRanks.get("new").add(rd > 0 ? 1.0 / rd : 0.0);
            if (rd > 0 || d.contains(target)) {
                m.hitAnywhere.get("new")[0]++;
            }
        }
        if (list.isEmpty()) {
            m.emptyLists++;
        }
        for (int i = 0; i < Math.min(20, list.size()); i++) {
            m.recommended.add(list.get(i));
        }
    }

    /**
     * One scorer holding the methods of {@code parts} (each scored on the same events, in passes of their own), in
     * the order of {@code order}; a method in several parts is taken from the first.
     *
     * @throws IllegalArgumentException if a method of a part is missing from {@code order}
     */
    public static Scorer merge(List<String> order, Scorer... parts) {
        Scorer out = new Scorer();
        for (String m : order) {
            MethodScores found = null;
            for (Scorer p : parts) {
                found = found != null ? found : p.methods.get(m);
            }
            if (found != null) { // none when no event was scored
                out.methods.put(m, found);
            }
        }
        for (Scorer p : parts) {
            for (String m : p.methods.keySet()) {
                if (!out.methods.containsKey(m)) {
                    throw new IllegalArgumentException(m + " is not in the order " + order);
                }
            }
        }
        return out;
    }

    public Map<String, MethodScores> methods() {
        return methods;
    }

    public MethodScores method(String name) {
        return methods.get(name);
    }
}
