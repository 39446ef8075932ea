package io.streamrec.job;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.OnnxRanker;
import io.streamrec.ranking.RankRequest;
import io.streamrec.ranking.RankerOptions;
import io.streamrec.sink.ScoredList;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * The keyed heart of the job, one call per event: update the user's state (dedup, interest vector, history, sets,
 * seq), generate candidates, score them all in one ONNX call, and emit the ranked list. State update, retrieval and
 * ranking share one operator so the interest vector and the ranker always come from the same model version, and the
 * user's state never has to travel between operators. A new bundle is swapped in by {@link ModelReloader}.
 *
 * <p>Each parallel instance also owns one {@link OnlineCovisitation} table, learnt from every accepted event of the
 * users it serves before that event is ranked (so the event's own pairs count, as the contract's feature requires).
 * It feeds the {@code online_covisit} candidate source and feature, survives model swaps (a new bundle only changes
 * its K/W/G) and is operator state: checkpointed as byte chunks of whole item lists, merged on rescale.
 */
public class RecommendFunction extends KeyedProcessFunction<String, UserEvent, ScoredList>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** Items per checkpointed chunk of the online table: chunks are what rescaling redistributes. */
    static final int ONLINE_CHUNK_ITEMS = 4096;

    /** How many ranked items travel to the catalog filter beyond top-K, so out-of-stock drops still leave K. */
    static final int OVERFETCH = 20;
    private static final int BECAUSE_WINDOW = 10;

    private final JobSettings settings;

    private transient ValueState<UserState> state;
    private transient ModelBundle bundle;
    private transient OnnxRanker ranker;
    private transient CandidateGenerator generator;
    private transient UserStateUpdater updater;
    private transient ModelReloader reloader;
    private transient RankRequest request;
    private transient List<RankRequest> batch;
    private transient CandidateSet candidates;
    /** The user being ranked, read by {@link #excluded} (created once in open, not per event). */
    private transient UserState currentUser;
    private transient Predicate<String> excluded;
    private transient Counter duplicates;
    private transient Counter modelSwaps;
    private transient Histogram inferenceUs;
    /** The online co-visitation table; null when neither the source nor the serving bundle's features need it. */
    private transient OnlineCovisitation online;
    private transient ListState<byte[]> onlineState;
    private transient long[] pairTs;

    public RecommendFunction(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        onlineState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("online-covisitation", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            for (byte[] chunk : onlineState.get()) {
                if (online == null) {
                    online = newOnlineTable(OnlineCovisitation.DEFAULT_PAIR_WINDOW,
                            OnlineCovisitation.DEFAULT_MAX_GAP_S);
                }
                online.restore(chunk); // several chunks, maybe from several old instances, merge
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        if (online == null) {
            onlineState.clear();
        } else {
            onlineState.update(online.snapshot(ONLINE_CHUNK_ITEMS));
        }
    }

    private OnlineCovisitation newOnlineTable(int pairWindow, long maxGapS) {
        return new OnlineCovisitation(pairWindow, maxGapS, settings.onlineCovisitNeighbours,
                settings.onlineCovisitMaxItems);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        ValueStateDescriptor<UserState> descriptor =
                new ValueStateDescriptor<>("user-state", TypeInformation.of(UserState.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(settings.stateTtlMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        state = getRuntimeContext().getState(descriptor);

        install(ModelBundle.load(settings.modelPath));
        reloader = new ModelReloader(settings.modelPath, ModelReloader.fingerprint(settings.modelPath));
        reloader.start(settings.modelReloadIntervalMs);

        request = new RankRequest();
        batch = Collections.singletonList(request);
        candidates = new CandidateSet();
        excluded = item -> (settings.filterPurchased && contains(currentUser.purchased, item))
                || (settings.filterSeen && contains(currentUser.histItems, item));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        modelSwaps = getRuntimeContext().getMetricGroup().counter("modelSwaps");
        inferenceUs = getRuntimeContext().getMetricGroup()
                .histogram("inferenceLatencyUs", new DescriptiveStatisticsHistogram(10_000));
        getRuntimeContext().getMetricGroup().gauge("modelReloadFailures", (Gauge<Long>) reloader::failures);
        getRuntimeContext().getMetricGroup().gauge("modelVersion", (Gauge<String>) () -> bundle.modelVersion());
    }

    /** Switches every model-dependent object to a validated bundle; the old ranker is closed afterwards. */
    private void install(ModelBundle next) throws Exception {
        OnnxRanker nextRanker = new OnnxRanker(next, rankerOptions());
        nextRanker.open();
        OnnxRanker old = ranker;
        bundle = next;
        ranker = nextRanker;
        generator = new CandidateGenerator(next, candidateOptions());
        int historyLength = Math.max(next.manifest().seqLen(),
                Math.max(next.manifest().covisitWindow(), settings.recentN));
        boolean needsOnline = settings.onlineCovisitN > 0
                || next.manifest().candidateFeatures().contains("online_covisit");
        if (needsOnline) {
            int w = next.manifest().onlineCovisitPairWindow();
            long g = next.manifest().onlineCovisitMaxGapS();
            if (online == null) {
                online = newOnlineTable(w, g);
            } else {
                online.setParameters(w, g); // the learnt table survives the swap
            }
            historyLength = Math.max(historyLength, w);
        } else {
            online = null;
        }
        updater = new UserStateUpdater(historyLength, settings.purchasedMax, settings.dedupWindow);
        if (old != null) {
            old.close();
        }
    }

    private RankerOptions rankerOptions() {
        RankerOptions o = new RankerOptions();
        o.intraOpThreads = settings.rankerThreads;
        return o;
    }

    private CandidateOptions candidateOptions() {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = settings.retrievalN;
        o.covisitN = settings.covisitN;
        o.onlineCovisitN = settings.onlineCovisitN;
        o.recentEnabled = settings.recentEnabled;
        o.recentN = settings.recentN;
        o.popularN = settings.popularN;
        o.ivfMinItems = settings.ivfMinItems;
        o.ivfProbe = settings.ivfProbe;
        return o;
    }

    @Override
    public void processElement(UserEvent e, Context ctx, Collector<ScoredList> out) throws Exception {
        ModelBundle next = reloader.poll();
        if (next != null) {
            install(next);
            modelSwaps.inc();
        }
        UserState s = state.value();
        if (s == null) {
            s = new UserState();
        }
        if (UserStateUpdater.isDuplicate(s, e.eventId)) {
            duplicates.inc();
            return;
        }
        if (online != null) {
            learn(s, e); // from the history as it stood before this event
        }
        if (!updater.apply(s, e, bundle)) {
            duplicates.inc();
            return;
        }
        state.update(s);
        out.collect(recommend(s, e));
    }

    /** Pairs the event with the user's previous events in the online table. */
    private void learn(UserState s, UserEvent e) {
        int n = Math.min(online.pairWindow(), s.histItems.length);
        if (pairTs == null || pairTs.length < n) {
            pairTs = new long[Math.max(n, 16)];
        }
        for (int i = 0; i < n; i++) {
            pairTs[i] = s.historyTs(i);
        }
        online.update(e.itemId, e.ts, s.histItems, pairTs, n);
    }

    /** Candidates, one ONNX call, best-first ordering; package-private for the harness tests. */
    ScoredList recommend(UserState s, UserEvent e) {
        currentUser = s;
        candidates.clear();
        generator.generate(s.interest, s.histItems, s.histItems.length, online, excluded, candidates);

        int n = candidates.size();
        RankRequest r = request;
        r.interest = s.interest;
        r.histLen = Math.min(s.histItems.length, bundle.manifest().seqLen());
        r.histItems = s.histItems;
        r.histTypes = types(s.histTypes);
        r.histTs = historyTimes(s);
        r.triggerTs = e.ts;
        r.triggerType = e.type;
        r.onlineCovisit = online;
        if (r.candidates == null || r.candidates.length < n) {
            r.candidates = new String[Math.max(n, 64)];
        }
        for (int i = 0; i < n; i++) {
            r.candidates[i] = candidates.item(i);
        }
        r.numCandidates = n;

        float[] scores = new float[0];
        if (n > 0) {
            long t0 = System.nanoTime();
            scores = ranker.score(batch)[0];
            inferenceUs.update((System.nanoTime() - t0) / 1000);
        }
        int m = Math.min(n, settings.topK + OVERFETCH);
        int[] order = topIndices(scores, n, m);

        ScoredList list = new ScoredList();
        list.userId = e.userId;
        list.seq = s.seq;
        list.modelVersion = bundle.modelVersion();
        list.triggerEventId = e.eventId;
        list.eventTs = e.ts;
        list.ingestTs = e.ingestTs;
        list.items = new String[m];
        list.scores = new float[m];
        list.sources = new String[m];
        list.because = new String[m];
        int window = Math.min(BECAUSE_WINDOW, s.histItems.length);
        for (int i = 0; i < window; i++) {
            becauseIndex[i] = bundle.items().indexOf(s.histItems[i]);
        }
        for (int j = 0; j < m; j++) {
            int i = order[j];
            list.items[j] = candidates.item(i);
            list.scores[j] = scores[i];
            CandidateSource source = candidates.source(i);
            list.sources[j] = source.wireName();
            list.because[j] = source == CandidateSource.ONLINE_COVISIT
                    ? Because.online(online, generator.onlineScores(), list.items[j])
                    : Because.explain(bundle, s, becauseIndex, list.items[j], source, BECAUSE_WINDOW);
        }
        return list;
    }

    /** The current key's state; for harness tests, which set the key on the operator first. */
    UserState currentState() throws java.io.IOException {
        return state.value();
    }

    /** The online co-visitation table, or null; for harness tests. */
    OnlineCovisitation onlineCovisitation() {
        return online;
    }

    /** The model currently serving. */
    ModelBundle bundle() {
        return bundle;
    }

    private EventType[] typeBuffer;
    private final int[] becauseIndex = new int[BECAUSE_WINDOW];
    private long[] tsBuffer;

    private long[] historyTimes(UserState s) {
        int n = s.histOffsetMs.length;
        if (tsBuffer == null || tsBuffer.length < n) {
            tsBuffer = new long[Math.max(n, 64)];
        }
        for (int i = 0; i < n; i++) {
            tsBuffer[i] = s.historyTs(i);
        }
        return tsBuffer;
    }

    private EventType[] types(byte[] idx) {
        if (typeBuffer == null || typeBuffer.length < idx.length) {
            typeBuffer = new EventType[Math.max(idx.length, 64)];
        }
        for (int i = 0; i < idx.length; i++) {
            typeBuffer[i] = EventType.fromModelIndex(idx[i]);
        }
        return typeBuffer;
    }

    /** Indices of the m highest scores, best first (insertion into a sorted prefix; n is a few hundred). */
    static int[] topIndices(float[] scores, int n, int m) {
        int[] top = new int[m];
        int size = 0;
        for (int i = 0; i < n; i++) {
            float s = scores[i];
            if (size == m && s <= scores[top[m - 1]]) {
                continue;
            }
            int pos = size < m ? size++ : m - 1;
            while (pos > 0 && scores[top[pos - 1]] < s) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }

    private static boolean contains(String[] a, String v) {
        for (String x : a) {
            if (x.equals(v)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws Exception {
        if (reloader != null) {
            reloader.close();
        }
        if (ranker != null) {
            ranker.close();
        }
    }
}
