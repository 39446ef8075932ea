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
 * events; "new": next item not in the user's history) and per group of the next event's type.
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
        long emptyLists;

        MethodScores() {
            for (String p : PROTOCOLS) {
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

        public long emptyLists() {
            return emptyLists;
        }
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

    /** Scores one list of {@code method} against the next item. */
    public void score(String method, List<String> list, String target, EventType nextType, boolean newItem) {
        MethodScores m = methods.computeIfAbsent(method, x -> new MethodScores());
        int r = rank(list, target, 20);
        String g = group(nextType);
        m.cell("all", "all").add(r);
        m.cell("all", g).add(r);
        if (newItem) {
            m.cell("new", "all").add(r);
            m.cell("new", g).add(r);
        }
        if (list.isEmpty()) {
            m.emptyLists++;
        }
        for (int i = 0; i < Math.min(20, list.size()); i++) {
            m.recommended.add(list.get(i));
        }
    }

    public Map<String, MethodScores> methods() {
        return methods;
    }

    public MethodScores method(String name) {
        return methods.get(name);
    }
}
