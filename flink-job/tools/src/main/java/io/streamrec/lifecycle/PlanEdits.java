package io.streamrec.lifecycle;

import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the lifecycle tools ({@code model}, {@code retrain}) change a serving plan's variants, kept free of I/O so the
 * rules are tested alone and every tool splits traffic by the same rule.
 * Weights written here are percentages that sum to 100. Why variants keep their order and a new one goes last: the
 * job gives variants consecutive bucket ranges in plan order, so a new variant at the end takes users only from the
 * end of the range, and a weight change moves as few users as possible.
 */
public final class PlanEdits {
    /** A rule broken by the requested change; the message names it (exit 1, nothing written). */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private PlanEdits() {
    }

    /**
     * The variants after publishing {@code version}.
     *
     * @param current the plan now, or null when the store has none
     * @param name the variant to publish as, or null: {@code a} for a first plan, else the heaviest variant
     * @param weight the variant's new percentage, or null to keep its weight (100 for a first plan)
     */
    static List<Variant> publish(ServingPlan current, String name, Integer weight, String version) throws Refused {
        if (current == null) {
            String n = name == null ? "a" : name;
            if (weight != null && weight != 100) {
                throw new Refused("the store has no plan yet: the first variant serves alone at 100 %, not "
                        + weight + " % (leave out --weight)");
            }
            return List.of(new Variant(n, version, 100));
        }
        String target = name == null ? heaviest(current) : name;
        List<Variant> out = new ArrayList<>();
        boolean found = false;
        for (Variant v : current.variants()) {
            if (v.name().equals(target)) {
                out.add(new Variant(v.name(), version, v.weight()));
                found = true;
            } else {
                out.add(v);
            }
        }
        if (!found) {
            if (weight == null) {
                throw new Refused("variant " + target + " is new: give its share with --weight PERCENT (the others "
                        + "are scaled to fill the rest)");
            }
            out.add(new Variant(target, version, 0));
        }
        return weight == null ? out : setWeight(out, target, weight);
    }

    /**
     * The plan that serves {@code version} as {@code variant} at {@code weightPercent} % ({@link #publish} with a
     * weight), keeping {@code current} in its history; a new store's first variant serves alone at 100 %.
     *
     * @param when the new plan's {@code updated} time (ISO-8601)
     * @param note why, for {@code serving.json}'s history
     * @throws IllegalArgumentException naming the broken rule (a weight outside 0..100, a bad name or version)
     */
    public static ServingPlan withVariant(ServingPlan current, String variant, String version, int weightPercent,
                                          String when, String note) {
        try {
            List<Variant> next = publish(current, variant, current == null ? null : weightPercent, version);
            return current == null ? new ServingPlan(next, when, note, List.of()) : current.then(next, when, note);
        } catch (Refused e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** The variants when {@code name} gets {@code weight} % and the others are scaled to fill the rest. */
    static List<Variant> setWeight(List<Variant> variants, String name, int weight) throws Refused {
        checkPercent(name, weight);
        Map<String, Integer> fixed = new LinkedHashMap<>();
        fixed.put(name, weight);
        return withWeights(variants, fixed);
    }

    /**
     * The variants with the {@code given} weights; the variants not named share what is left in proportion to their
     * weights now. Every name must exist and the result must sum to 100.
     */
    static List<Variant> withWeights(List<Variant> variants, Map<String, Integer> given) throws Refused {
        int fixedSum = 0;
        for (Map.Entry<String, Integer> e : given.entrySet()) {
            if (variants.stream().noneMatch(v -> v.name().equals(e.getKey()))) {
                throw new Refused("no variant " + e.getKey() + " in the plan (" + names(variants) + ")");
            }
            checkPercent(e.getKey(), e.getValue());
            fixedSum += e.getValue();
        }
        if (fixedSum > 100) {
            throw new Refused("weights sum to " + fixedSum + " %, more than 100");
        }
        List<Variant> others = variants.stream().filter(v -> !given.containsKey(v.name())).toList();
        int rest = 100 - fixedSum;
        long othersSum = others.stream().mapToLong(Variant::weight).sum();
        if (rest > 0 && others.isEmpty()) {
            throw new Refused("weights sum to " + fixedSum + " %, not 100, and no other variant takes the rest");
        }
        int[] scaled = new int[others.size()];
        if (rest > 0) {
            scaled = largestRemainder(others, othersSum, rest);
        }
        List<Variant> out = new ArrayList<>();
        int j = 0;
        for (Variant v : variants) {
            Integer w = given.get(v.name());
            out.add(new Variant(v.name(), v.version(), w != null ? w : scaled[j++]));
        }
        if (out.stream().allMatch(v -> v.weight() == 0)) {
            throw new Refused("every variant would have weight 0");
        }
        return out;
    }

    /** The variant named {@code name} alone at 100. */
    static List<Variant> promote(ServingPlan current, String name) throws Refused {
        Variant v = current.variant(name);
        if (v == null) {
            throw new Refused("no variant " + name + " in the plan (" + names(current.variants()) + ")");
        }
        return List.of(new Variant(v.name(), v.version(), 100));
    }

    /** The plan before {@code current}: its first history entry, with the rest of the history behind it. */
    static ServingPlan rollback(ServingPlan current, String when) throws Refused {
        if (current.previous().isEmpty()) {
            throw new Refused("there is no previous plan to roll back to (serving " + current + ")");
        }
        ServingPlan back = current.previous().get(0);
        List<ServingPlan> older = current.previous().subList(1, current.previous().size());
        String why = "rollback to the plan of " + back.updated() + (back.note().isEmpty() ? "" : " (" + back.note()
                + ")");
        return new ServingPlan(back.variants(), when, why, older);
    }

    /** The first variant with the largest weight: a publish without --variant upgrades it. */
    static String heaviest(ServingPlan plan) {
        Variant best = plan.variants().get(0);
        for (Variant v : plan.variants()) {
            if (v.weight() > best.weight()) {
                best = v;
            }
        }
        return best.name();
    }

    private static void checkPercent(String name, int weight) throws Refused {
        if (weight < 0 || weight > 100) {
            throw new Refused("weight of " + name + " must be a percentage in [0, 100], got " + weight);
        }
    }

    /** Splits {@code total} in proportion to the weights, rounding so the parts sum to it exactly. */
    private static int[] largestRemainder(List<Variant> vs, long sum, int total) {
        int n = vs.size();
        int[] out = new int[n];
        double[] rem = new double[n];
        int given = 0;
        for (int i = 0; i < n; i++) {
            double exact = sum == 0 ? (double) total / n : (double) vs.get(i).weight() * total / sum;
            out[i] = (int) Math.floor(exact);
            rem[i] = exact - out[i];
            given += out[i];
        }
        for (int left = total - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (rem[i] > rem[best]) {
                    best = i;
                }
            }
            out[best]++;
            rem[best] = -1;
        }
        return out;
    }

    private static String names(List<Variant> vs) {
        return String.join(", ", vs.stream().map(Variant::name).toList());
    }
}
