package io.streamrec.bench;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The benches' simulated traffic: the simulator they all draw events from, the bench's view of one event, and how
 * many candidates the job scores per event on it (replayed offline). Shared by the pipeline, state and checkpoint
 * benches, so it lives apart from any one of them.
 */
final class BenchTraffic {
    /**
     * Items of the simulated catalogue ({@code --items}): the bundle's vocabulary must come from the same world (the
     * default bundle was trained on the simulator's 2,000 items; a bundle of 100k items needs traffic over them).
     */
    static int items = SimConfig.DEFAULT_ITEMS;

    private BenchTraffic() {
    }

    /** Simulated, well-formed traffic (no malformed records, no duplicates: every event yields one list). */
    static Simulator simulator(long seed, int users, boolean wallClock) {
        return simulator(seed, users, wallClock ? (java.util.function.LongSupplier) System::currentTimeMillis : null);
    }

    /** The same traffic with every event's {@code ts} taken from {@code clock} (epoch ms; null: simulated time). */
    static Simulator simulator(long seed, int users, java.util.function.LongSupplier clock) {
        World world = new World(SimConfig.defaults().seed(seed).users(users).items(items));
        return new Simulator(world, 0.0, 0.0, clock);
    }

    /** The first {@code n} well-formed events of {@link #simulator}'s traffic (what a pre-load of n events sends). */
    static List<UserEvent> events(long seed, int users, int n) {
        Simulator sim = simulator(seed, users, (java.util.function.LongSupplier) null);
        List<UserEvent> out = new java.util.ArrayList<>(n);
        while (out.size() < n) {
            io.streamrec.sim.SimRecord r = sim.next();
            if (!r.itemUpdate() && r.event() != null && !r.duplicate()) {
                out.add(r.event());
            }
        }
        return out;
    }

    /**
     * Mean number of candidates the job scores per event on this traffic, replayed offline with the job's candidate
     * code and its settings {@code job} (the online co-visitation table is not replayed: it starts empty in a fresh job
     * and only adds candidates, so the pipeline may score a few more).
     */
    static double meanCandidates(ModelBundle bundle, List<UserEvent> events, io.streamrec.job.JobSettings job,
                                 int sample) {
        CandidateOptions o = new CandidateOptions(); // as RecommendFunction#prepare builds them
        o.retrievalN = job.retrievalN;
        o.covisitN = job.covisitN;
        o.onlineCovisitN = job.onlineCovisitN;
        o.recentEnabled = job.recentEnabled;
        o.recentN = job.recentN;
        o.popularN = job.popularN;
        o.ivfMinItems = job.ivfMinItems;
        o.ivfProbe = job.ivfProbe;
        CandidateGenerator g = new CandidateGenerator(bundle, o);
        int hist = Math.max(job.recentN, Math.max(bundle.manifest().seqLen(), bundle.manifest().covisitWindow()));
        UserStateUpdater up = new UserStateUpdater(hist, job.purchasedMax, job.dedupWindow);
        Map<String, UserState> states = new HashMap<>();
        CandidateSet set = new CandidateSet();
        long total = 0;
        int stride = Math.max(1, events.size() / Math.max(1, sample));
        int m = 0;
        for (int i = 0; i < events.size(); i++) { // every event updates its user; every stride-th is counted
            UserEvent e = userEvent(events.get(i));
            UserState s = states.computeIfAbsent(e.userId, u -> new UserState());
            up.apply(s, e, bundle);
            if (i % stride == 0) {
                final UserState user = s;
                g.generate(s.interest, s.histItems, s.histItems.length,
                        item -> contains(user.purchased, item), set);
                total += set.size();
                m++;
            }
        }
        return m == 0 ? 0 : total / (double) m;
    }

    /** The bench's view of a simulated event: ids, type, time and category, without the storefront's extras. */
    static UserEvent userEvent(UserEvent s) {
        UserEvent e = new UserEvent(s.eventId, s.userId, s.itemId, s.type, s.ts);
        e.category = s.category; // the state keeps a key per history event, so its size counts them
        return e;
    }

    private static boolean contains(String[] a, String v) {
        for (String x : a) {
            if (x.equals(v)) {
                return true;
            }
        }
        return false;
    }
}
