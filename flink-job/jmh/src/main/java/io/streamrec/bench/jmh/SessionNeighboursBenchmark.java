package io.streamrec.bench.jmh;

import io.streamrec.candidates.SessionNeighbours;
import io.streamrec.event.UserEvent;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The session-kNN index of the neighbour-ordered discovery list, on the simulator's traffic (2,000 users, 2,000
 * items, the pipeline bench's world), filled with {@code warmEvents} events and windows of 50 events:
 * {@code observe} = one event's index update, {@code score} = one event's neighbours and best 80 items, as the rank
 * operator runs them per event with the discovery list on.
 */
public class SessionNeighboursBenchmark extends HotPathBenchmark {
    private static final int WINDOW = 50;

    @Param({"200"})
    public int itemUsers;

    @Param({"100"})
    public int neighbours;

    @Param({"100000"})
    public int warmEvents;

    private SessionNeighbours index;
    private String[] users;
    private String[][] windows;
    private int[] windowLen;
    private int next;
    private final String[] ids = new String[80];
    private final double[] scores = new double[80];

    @Setup(Level.Trial)
    public void setup() {
        index = new SessionNeighbours(itemUsers, 100_000);
        Simulator sim = new Simulator(new World(SimConfig.defaults()), 0.0, 0.0, null);
        Map<String, String[]> hist = new HashMap<>();
        Map<String, Integer> len = new HashMap<>();
        List<String> order = new ArrayList<>();
        int seen = 0;
        while (seen < warmEvents) {
            SimRecord r = sim.next();
            UserEvent e = r.event();
            if (e == null || r.duplicate()) {
                continue;
            }
            seen++;
            String[] h = hist.computeIfAbsent(e.userId, u -> new String[WINDOW]);
            int n = Math.min(WINDOW, len.getOrDefault(e.userId, 0) + 1);
            System.arraycopy(h, 0, h, 1, WINDOW - 1);
            h[0] = e.itemId;
            len.put(e.userId, n);
            index.observe(e.userId, h, n);
            order.add(e.userId);
        }
        // the benchmark replays the last users' current windows, most recent last
        int m = Math.min(4096, order.size());
        users = new String[m];
        windows = new String[m][];
        windowLen = new int[m];
        for (int i = 0; i < m; i++) {
            String u = order.get(order.size() - m + i);
            users[i] = u;
            windows[i] = hist.get(u).clone();
            windowLen[i] = len.get(u);
        }
    }

    private int nextUser() {
        if (next == users.length) {
            next = 0;
        }
        return next++;
    }

    @Benchmark
    public int observe() {
        int i = nextUser();
        index.observe(users[i], windows[i], windowLen[i]);
        return index.users();
    }

    @Benchmark
    public int score() {
        int i = nextUser();
        return index.score(users[i], 5, neighbours, ids.length, ids, scores);
    }
}
