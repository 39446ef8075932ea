package io.streamrec.faults;

import java.util.ArrayList;
import java.util.List;

/** The figures of a {@code streamrec faults} run, as the table docs/RELIABILITY.md shows. */
final class FaultReport {
    private final List<Scenarios.Result> results = new ArrayList<>();
    private ClusterChecks.Swap swap;
    private List<ClusterChecks.Footprint> footprints = List.of();

    void add(Scenarios.Result r) {
        results.add(r);
    }

    void swap(ClusterChecks.Swap s) {
        swap = s;
    }

    void resubmissions(List<ClusterChecks.Footprint> f) {
        footprints = f;
    }

    List<Scenarios.Result> results() {
        return List.copyOf(results);
    }

    ClusterChecks.Swap swap() {
        return swap;
    }

    List<ClusterChecks.Footprint> footprints() {
        return footprints;
    }

    boolean allHold() {
        boolean ok = results.stream().allMatch(Scenarios.Result::holds);
        if (swap != null) {
            ok &= swap.switchMs() >= 0 && swap.staleAfterSwitch() == 0 && swap.check().lost() == 0
                    && swap.check().doubled() == 0 && swap.check().repeats() == 0
                    && swap.listsByVersion().keySet().stream().allMatch(v -> v.equals(swap.from())
                    || v.equals(swap.to()));
        }
        if (!footprints.isEmpty()) {
            ok &= footprints.stream().allMatch(f -> f.ortCopies() <= 1);
        }
        return ok;
    }

    String render() {
        StringBuilder sb = new StringBuilder("\n");
        if (!results.isEmpty()) {
            sb.append(String.format("%-15s %-13s %9s %9s %8s %8s %6s %5s %7s %5s %6s %5s  %s%n", "scenario",
                    "guarantee", "events", "lists", "1st-new", "caught", "fails", "lost", "repeats", "dbl",
                    "gaps", "cnt", "holds"));
            for (Scenarios.Result r : results) {
                var c = r.check();
                sb.append(String.format("%-15s %-13s %9d %9d %6.1f s %6.1f s %6d %5d %7d %5d %6d %5d  %s%n",
                        r.name(), r.guarantee(), c.produced(), c.listsRead(), r.recoveryMs() / 1000.0,
                        r.caughtUpMs() / 1000.0, r.restarts(), c.lost(), c.repeats(), c.doubled(), c.gaps(),
                        c.countMismatches(), r.holds() ? "yes" : "NO"));
            }
            sb.append("1st-new: fault to the first list read for an event sent after it; caught: fault to the last"
                    + " list that waited over 5 s (exactly-once) or 2 s (at-least-once); dbl: state updates applied"
                    + " twice; cnt: users whose last seq differs from their distinct events.\n");
            for (Scenarios.Result r : results) {
                sb.append("  ").append(r.name()).append(": ").append(r.note()).append('\n');
            }
        }
        if (swap != null) {
            sb.append(String.format("%nbundle-swap: %s -> %s; every subtask served %s %.1f s after the copy"
                    + " began; lists by version %s; lists of the old version read 5 s after the switch: %d;"
                    + " reload refusals per subtask %s; lost %d, doubled %d, repeats %d%n", swap.from(), swap.to(),
                    swap.to(), swap.switchMs() / 1000.0, swap.listsByVersion(), swap.staleAfterSwitch(),
                    swap.refusals(), swap.check().lost(), swap.check().doubled(), swap.check().repeats()));
        }
        if (!footprints.isEmpty()) {
            sb.append(String.format("%nresubmissions (after each cancel and a full GC, per TaskManager):%n"));
            sb.append(String.format("%10s %8s %12s %12s %10s %12s %10s%n", "submission", "pid", "metaspace",
                    "heap RSS", "RSS", "off-heap RSS", "ORT copies"));
            int last = footprints.get(footprints.size() - 1).submission();
            for (ClusterChecks.Footprint f : footprints) {
                if (f.submission() <= 2 || f.submission() == last || f.submission() % 5 == 0) {
                    sb.append(String.format("%10d %8d %9.1f MB %9.1f MB %7.1f MB %9.1f MB %10d%n", f.submission(),
                            f.pid(), f.metaspaceKb() / 1024.0, f.heapRssKb() / 1024.0, f.rssKb() / 1024.0,
                            f.offHeapKb() / 1024.0, f.ortCopies()));
                }
            }
        }
        return sb.toString();
    }
}
