package io.streamrec.bench.jmh;

import io.streamrec.event.EventLimits;
import io.streamrec.event.EventParser;
import io.streamrec.event.RawRecord;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON ends of the job: parsing and validating one simulated {@code user-events} record (EventParser, as
 * ParseEventsFunction calls it) and writing one {@code recommendations} record of top-K items (RecommendationJson, as
 * the sink's serialization schema calls it).
 */
public class JsonBenchmark extends HotPathBenchmark {
    @Param({"20"})
    public int topK;

    private EventParser parser;
    private RawRecord[] records;
    private int next;
    private RecommendationJson json;
    private Recommendation rec;

    @Setup(Level.Trial)
    public void setup() {
        Simulator sim = new Simulator(new World(SimConfig.defaults()), 0.0, 0.0, null);
        List<RawRecord> list = new ArrayList<>();
        long lastTs = 0;
        while (list.size() < 1024) {
            SimRecord r = sim.next();
            if (r.event() != null && !r.duplicate()) {
                list.add(new RawRecord(r.key().getBytes(StandardCharsets.UTF_8), r.value(), "user-events", 0,
                        list.size(), 1_700_000_000_000L));
                lastTs = Math.max(lastTs, r.event().ts);
            }
        }
        records = list.toArray(new RawRecord[0]);
        // the records carry simulated time: the parser's clock stands just after it, so every record is accepted and
        // the benchmark measures the accepting path, window check included, as for live traffic
        long now = lastTs + 1;
        parser = new EventParser(64 * 1024, 4096, EventLimits.defaults(), () -> now);
        json = new RecommendationJson();
        rec = new Recommendation();
        rec.userId = "u1234";
        rec.seq = 4711;
        rec.modelVersion = "default-synthetic-1";
        rec.triggerEventId = "e-42-000123456";
        rec.eventTs = 1_700_000_000_000L;
        rec.emittedTs = 1_700_000_000_004L;
        rec.items = new Recommendation.RecommendedItem[topK];
        for (int i = 0; i < topK; i++) {
            rec.items[i] = new Recommendation.RecommendedItem("i" + (100 + i * 37), 1.0f / (i + 1.3f),
                    i % 3 == 0 ? "covisit" : "retrieval", "i" + (900 + i));
        }
    }

    @Benchmark
    public Object parseEvent() {
        RawRecord r = records[next++ & (records.length - 1)];
        return parser.parse(r);
    }

    @Benchmark
    public byte[] writeRecommendation() {
        return json.write(rec);
    }
}
