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
    private BenchTraffic() {
    }

    /** Simulated, well-formed traffic (no malformed records, no duplicates: every event yields one list). */
    static Simulator simulator(long seed, int users, boolean wallClock) {
        World world = new World(SimConfig.defaults().seed(seed).users(users));
        return new Simulator(world, 0.0, 0.0, wallClock ? System::currentTimeMillis : null);
    }

    /** Mean number of candidates the job scores per event on this traffic (replayed offline with the job's code). */
    static double meanCandidates(ModelBundle bundle, List<UserEvent> events, int k, int sample) {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = k;
        o.covisitN = 0;
        o.onlineCovisitN = 0;
        o.recentEnabled = false;
        o.popularN = k;
        CandidateGenerator g = new CandidateGenerator(bundle, o);
        int hist = Math.max(bundle.manifest().seqLen(), Math.max(bundle.manifest().covisitWindow(), 20));
        UserStateUpdater up = new UserStateUpdater(hist, 100, 64);
        Map<String, UserState> states = new HashMap<>();
        CandidateSet set = new CandidateSet();
        long total = 0;
        int m = Math.min(sample, events.size());
        for (int i = 0; i < m; i++) {
            UserEvent e = userEvent(events.get(i));
            UserState s = states.computeIfAbsent(e.userId, u -> new UserState());
            up.apply(s, e, bundle);
            final UserState user = s;
            g.generate(s.interest, s.histItems, s.histItems.length,
                    item -> contains(user.purchased, item), set);
            total += set.size();
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
