package io.streamrec.job;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.CategoryPopularity;
import io.streamrec.candidates.ListChunk;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.candidates.SessionNeighbours;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.CategoryKey;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.ranking.HistoryWindow;
import io.streamrec.ranking.OnnxRanker;
import io.streamrec.ranking.RankRequest;
import io.streamrec.ranking.RankerOptions;
import io.streamrec.ranking.RevisitScorer;
import io.streamrec.sink.ScoredList;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>With the discovery list ordered by neighbours, each instance also keeps a {@link SessionNeighbours} index of
 * its users' recent sessions. A user's items in it are its history window, so a checkpoint keeps only the users'
 * ids and a restore re-reads their windows from the keyed state ({@link #rebuildSessions}). With a category weight,
 * it also keeps a {@link CategoryPopularity} table of what is popular in each category, checkpointed in chunks like
 * the online table.
 */
public class RecommendFunction extends KeyedProcessFunction<String, UserEvent, ScoredList>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    /** Items per checkpointed chunk of the online table: chunks are what rescaling redistributes. */
    static final int ONLINE_CHUNK_ITEMS = 4096;
    /** Categories per checkpointed chunk of the category popularity table. */
    static final int CATEGORY_CHUNK_SIZE = 256;

    /** How many ranked items travel to the catalog filter beyond top-K, so out-of-stock drops still leave K. */
    static final int OVERFETCH = 20;
    private static final int BECAUSE_WINDOW = 10;

    private final JobSettings settings;

    private transient ValueState<UserState> state;
    private transient ModelBundle bundle;
    private transient OnnxRanker ranker;
    private transient CandidateGenerator generator;
    /** The serving bundle's re-visit scorer, or null when its manifest has no {@code revisit}. */
    private transient RevisitScorer revisit;
    private transient UserStateUpdater updater;
    private transient ModelReloader<Serving> reloader;
    /** Prepared events waiting for their ONNX call; {@code slots.length} is the micro-batch size. */
    private transient Pending[] slots;
    private transient int pending;
    private transient List<RankRequest> batch;
    /** Where deferred batches go; null when not run by {@link BatchingRecommendOperator} (then B = 1, no waiting). */
    private transient ListEmitter emitter;
    private transient CollectorEmitter collectorEmitter;
    /**
     * The ranked user's purchased and recent items as hash sets, rebuilt per event in reused tables and read by
     * {@link #excluded} (created once in open): the generator asks about hundreds of candidates per event, and a
     * linear scan of a 100-item purchase list per candidate was a tenth of the operator's Java time (JFR).
     */
    private transient HistoryWindow purchasedSet;
    private transient HistoryWindow seenSet;
    /** The ranked event's history window as a hash set, for the discovery list; reused. */
    private transient HistoryWindow historySet;
    /**
     * {@link #toList}'s per-slot scores, discovery skips and neighbour-list fill candidates, reused across events
     * (grown, never shrunk).
     */
    private transient float[] slotScores;
    private transient boolean[] marks;
    private transient int[] fill;
    private transient Predicate<String> excluded;
    private transient Counter duplicates;
    private transient Counter modelSwaps;
    private transient Counter revisitSlotsReordered;
    private transient Histogram inferenceUs;
    /** The online co-visitation table; null when neither the source nor the serving bundle's features need it. */
    private transient OnlineCovisitation online;
    private transient ListState<ListChunk> onlineState;
    /** The session-kNN index; null unless the discovery list is ordered by neighbours. */
    private transient SessionNeighbours sessions;
    /** What followed each item (a directed table); null unless the neighbour order has a sequence weight. */
    private transient OnlineCovisitation sequence;
    private transient ListState<ListChunk> sequenceState;
    /** What is popular in each category; null unless the neighbour order has a category weight. */
    private transient CategoryPopularity categories;
    private transient ListState<ListChunk> categoryState;
    /** The index's users, least recently active first: all an index needs to be rebuilt from the keyed state. */
    private transient ListState<String> sessionUsersState;
    /** Users of the checkpoint this instance was restored from, until {@link #rebuildSessions} has read them. */
    private transient List<String> restoredSessionUsers;
    private transient long[] pairTs;

    public RecommendFunction(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // the chunks are frozen views of the table, serialised in the checkpoint's asynchronous part
        onlineState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("online-covisitation-chunks", new ListChunkTypeInfo()));
        // a union: after a rescale every instance sees every user and keeps those whose key it now owns
        sessionUsersState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("session-knn-users", Types.STRING));
        categoryState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("category-popularity-chunks", new ListChunkTypeInfo()));
        sequenceState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("sequence-chunks", new ListChunkTypeInfo()));
        if (context.isRestored()) {
            for (ListChunk chunk : sequenceState.get()) {
                if (sequence == null) {
                    sequence = newSequenceTable();
                }
                sequence.restore(chunk);
            }
            for (ListChunk chunk : categoryState.get()) {
                if (categories == null) {
                    categories = newCategoryTable();
                }
                categories.restore(chunk); // chunks of several old instances merge
            }
            restoredSessionUsers = new ArrayList<>();
            for (String user : sessionUsersState.get()) {
                restoredSessionUsers.add(user);
            }
            for (ListChunk chunk : onlineState.get()) {
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
            onlineState.update(online.freeze(ONLINE_CHUNK_ITEMS));
        }
        if (categories == null) {
            categoryState.clear();
        } else {
            categoryState.update(categories.freeze(CATEGORY_CHUNK_SIZE));
        }
        if (sequence == null) {
            sequenceState.clear();
        } else {
            sequenceState.update(sequence.freeze(ONLINE_CHUNK_ITEMS));
        }
        if (sessions == null) {
            sessionUsersState.clear();
        } else {
            sessionUsersState.update(Arrays.asList(sessions.usersByActivity()));
        }
    }

    /**
     * After a restore, refills the session index from the keyed state: each checkpointed user, least recently
     * active first, is observed again with the history window its state holds (an expired one is skipped). The
     * users' list is all the checkpoint keeps of the index, because a user's items are its history window.
     *
     * @param selectKey makes a user the current key and returns true, or returns false if this instance does not
     *                  own the user's key
     */
    void rebuildSessions(Predicate<String> selectKey) throws java.io.IOException {
        List<String> users = restoredSessionUsers;
        restoredSessionUsers = null;
        if (sessions == null || users == null) {
            return;
        }
        for (String user : users) {
            if (!selectKey.test(user)) {
                continue;
            }
            UserState s = state.value();
            if (s != null) {
                sessions.observe(user, s.histItems, s.histItems.length);
            }
        }
    }

    private CategoryPopularity newCategoryTable() {
        return new CategoryPopularity(settings.categoryItems, settings.categoryMaxCategories,
                settings.categoryHalfLifeMs);
    }

    private OnlineCovisitation newSequenceTable() {
        return OnlineCovisitation.directed(settings.sequencePairWindow, OnlineCovisitation.DEFAULT_MAX_GAP_S,
                settings.onlineCovisitNeighbours, settings.onlineCovisitMaxItems);
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
        because = new Because(BECAUSE_WINDOW);

        install(prepareServing(BundleLoader.load(settings.modelPath)));
        reloader = new ModelReloader<>(settings.modelPath, ModelReloader.fingerprint(settings.modelPath),
                this::prepareServing, Serving::close);
        reloader.start(settings.modelReloadIntervalMs);

        int b = emitter == null ? 1 : Math.max(1, settings.rankerBatchSize);
        slots = new Pending[b];
        for (int i = 0; i < b; i++) {
            slots[i] = new Pending();
        }
        batch = new ArrayList<>(b);
        collectorEmitter = new CollectorEmitter();
        purchasedSet = new HistoryWindow();
        seenSet = new HistoryWindow();
        historySet = new HistoryWindow();
        slotScores = new float[0];
        marks = new boolean[0];
        fill = new int[0];
        if (settings.sessionIndex()) {
            sessions = new SessionNeighbours(settings.sessionItemUsers, settings.sessionMaxUsers);
        }
        if (!settings.categoryIndex()) {
            categories = null; // a restored table the new configuration no longer asks for
        } else if (categories == null) {
            categories = newCategoryTable();
        }
        if (!settings.sequenceIndex()) {
            sequence = null;
        } else if (sequence == null) {
            sequence = newSequenceTable();
        }
        excluded = item -> (settings.filterPurchased && purchasedSet.find(item) >= 0)
                || (settings.filterSeen && seenSet.find(item) >= 0);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateEvents");
        modelSwaps = getRuntimeContext().getMetricGroup().counter("modelSwaps");
        revisitSlotsReordered = getRuntimeContext().getMetricGroup().counter("revisitSlotsReordered");
        inferenceUs = getRuntimeContext().getMetricGroup()
                .histogram("inferenceLatencyUs", new DescriptiveStatisticsHistogram(10_000));
        getRuntimeContext().getMetricGroup().gauge("modelReloadFailures", (Gauge<Long>) reloader::failures);
        getRuntimeContext().getMetricGroup().gauge("modelVersion", (Gauge<String>) () -> bundle.modelVersion());
    }

    /**
     * A bundle made ready to serve: its ONNX session open, its candidate generator (with the IVF index for a large
     * catalogue) and its re-visit scorer (or none) built. The reloader does this on its own thread, so a model swap
     * costs the processing thread only {@link #install}.
     */
    private static final class Serving implements AutoCloseable {
        final ModelBundle bundle;
        final OnnxRanker ranker;
        final CandidateGenerator generator;
        final RevisitScorer revisit;

        Serving(ModelBundle bundle, OnnxRanker ranker, CandidateGenerator generator, RevisitScorer revisit) {
            this.bundle = bundle;
            this.ranker = ranker;
            this.generator = generator;
            this.revisit = revisit;
        }

        @Override
        public void close() {
            ranker.close();
        }
    }

    private Serving prepareServing(ModelBundle b) throws Exception {
        OnnxRanker r = new OnnxRanker(b, rankerOptions());
        r.open();
        try {
            return new Serving(b, r, new CandidateGenerator(b, candidateOptions()), RevisitScorer.forBundle(b));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    /** Switches every model-dependent object to a prepared bundle; the old ranker is closed afterwards. */
    private void install(Serving serving) {
        ModelBundle next = serving.bundle;
        OnnxRanker old = ranker;
        bundle = next;
        ranker = serving.ranker;
        generator = serving.generator;
        revisit = serving.revisit; // null when the new bundle has none: the ranker's order again
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
        Serving next = reloader.poll();
        if (next != null) {
            flush(); // what is pending was prepared with the old model: score it with that model
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
            learn(online, s, e); // from the history as it stood before this event
        }
        if (sequence != null) {
            learn(sequence, s, e);
        }
        if (!updater.apply(s, e, bundle)) {
            duplicates.inc();
            return;
        }
        state.update(s);
        if (sessions != null) {
            sessions.observe(e.userId, s.histItems, s.histItems.length);
        }
        if (categories != null) {
            categories.observe(e.category, e.itemId, e.ts);
        }
        Long ts = ctx.timestamp();
        prepare(slots[pending++], s, e, ts != null ? ts : 0L, ts != null);
        if (emitter == null) {
            // not batching: score and emit this event now, through the function's own collector
            collectorEmitter.out = out;
            flush(collectorEmitter);
        } else if (pending >= slots.length) {
            flush();
        }
    }

    /** Pairs the event with the user's previous events in an online table. */
    private void learn(OnlineCovisitation table, UserState s, UserEvent e) {
        int n = Math.min(table.pairWindow(), s.histItems.length);
        if (pairTs == null || pairTs.length < n) {
            pairTs = new long[Math.max(n, 16)];
        }
        for (int i = 0; i < n; i++) {
            pairTs[i] = s.historyTs(i);
        }
        table.update(e.itemId, e.ts, s.histItems, pairTs, n);
    }

    /**
     * Everything of an event's ranking that reads the user's state or the online table, done now, under the event's
     * key: candidates, and a private copy of the request (history, interest, online scores as the table stands right
     * after this event), so that scoring it later, in a batch, gives the scores it would have got now.
     */
    private void prepare(Pending p, UserState s, UserEvent e, long timestamp, boolean hasTimestamp) {
        if (settings.filterPurchased) {
            purchasedSet.build(s.purchased, null, null, s.purchased.length);
        }
        if (settings.filterSeen) {
            seenSet.build(s.histItems, null, null, s.histItems.length);
        }
        p.candidates.clear();
        generator.generate(s.interest, s.histItems, s.histItems.length, online, excluded, p.candidates);

        RankRequest r = p.request;
        int h = s.histItems.length;
        p.ensureHistory(h, s.interest.length);
        p.filtered = revisit != null && (settings.filterPurchased || settings.filterSeen);
        if (p.filtered) { // which history items the filters allow, read while this user's sets are built
            for (int i = 0; i < h; i++) {
                p.allowedAt[i] = !excluded.test(s.histItems[i]);
            }
        }
        System.arraycopy(s.interest, 0, r.interest, 0, s.interest.length);
        System.arraycopy(s.histItems, 0, r.histItems, 0, h);
        int keys = Math.min(h, s.histCategories.length); // equal, except for a state built without keys
        System.arraycopy(s.histCategories, 0, r.histCategories, 0, keys);
        Arrays.fill(r.histCategories, keys, h, CategoryKey.NONE);
        for (int i = 0; i < h; i++) {
            r.histTypes[i] = EventType.fromModelIndex(s.histTypes[i]);
            r.histTs[i] = s.historyTs(i);
        }
        p.histLen = h;
        r.histLen = Math.min(h, bundle.manifest().seqLen());
        r.triggerTs = e.ts;
        r.triggerType = e.type;
        r.onlineCovisit = online;
        if (online != null) {
            online.accumulate(r.histItems, r.histLen, ranker.encoder().onlineCovisitItems(), p.onlineScores);
            r.onlineScores = p.onlineScores;
        } else {
            r.onlineScores = null;
        }
        if (sessions != null) {
            neighbourDiscovery(p, e, s.histItems, h);
        }
        r.candidates = p.candidates.itemArray();
        r.candidateIndices = p.candidates.modelIndexArray();
        r.numCandidates = p.candidates.size();

        p.userId = e.userId;
        p.eventId = e.eventId;
        p.eventTs = e.ts;
        p.ingestTs = e.ingestTs;
        p.seq = s.seq;
        p.timestamp = timestamp;
        p.hasTimestamp = hasTimestamp;
    }

    /**
     * The discovery list ordered by neighbours ({@code recs.discover-order=neighbours}), built while the user's
     * filter sets are current and the session index and category table have just observed this event: items outside
     * the history window and allowed by the filters, scored {@code ln(1 + covisit) + ws · ln(1 + session) + wc ·
     * ln(1 + popularity in the event's category) + wq · ln(1 + how often it came after the event's item)}, best
     * {@code topK + OVERFETCH} first (ties by item id). The candidates are the {@code topK + OVERFETCH} best of each
     * term (co-visitation's and the category's after leaving out the history window), which is where the best of
     * their sum lies unless an item is middling on all: twice
     * as many changed no evaluation figure but Diginetica's, a little for the worse, and cost more
     * lookups. An entry's source is the term that gave it most.
     */
    private void neighbourDiscovery(Pending p, UserEvent e, String[] hist, int h) {
        int want = settings.topK + OVERFETCH;
        int pool = want;
        p.ensureDiscover(pool + h);
        historySet.build(hist, null, null, h);
        OnlineCovisitation.Scores fused = p.fused;
        fused.clearAll();
        if (categories != null) {
            categories.scores(e.category, e.ts, p.categoryScores);
        }
        if (sequence != null) {
            sequence.accumulate(hist, h, 1, p.sequenceScores); // what followed the event's item
        }
        // each term's best items; their scores are read back per item below (lastScore, get)
        int ns = sessions.score(e.userId, settings.sessionSeeds, settings.sessionNeighbours, pool, p.poolIds, null);
        for (int j = 0; j < ns; j++) {
            addAllowed(fused, p.poolIds[j], p);
        }
        if (online != null) {
            int nk = p.onlineScores.top(pool + h, p.poolIds, null);
            for (int j = 0; j < nk; j++) {
                addAllowed(fused, p.poolIds[j], p);
            }
        }
        if (categories != null) {
            int nc = p.categoryScores.top(pool + h, p.poolIds, null);
            for (int j = 0; j < nc; j++) {
                addAllowed(fused, p.poolIds[j], p);
            }
        }
        if (sequence != null) { // its own top-K + 20 only: room for the history too gave the same lists
            int nq = p.sequenceScores.top(pool, p.poolIds, null);
            for (int j = 0; j < nq; j++) {
                addAllowed(fused, p.poolIds[j], p);
            }
        }
        int n = fused.top(want, p.discoverIds, p.discoverScores);
        for (int j = 0; j < n; j++) {
            String item = p.discoverIds[j];
            double covisit = covisitTerm(item, p);
            double category = categoryTerm(item, p);
            double next = sequenceTerm(item, p);
            double session = p.discoverScores[j] - covisit - category - next;
            CandidateSource best = CandidateSource.ONLINE_COVISIT; // ties: co-visitation, session, category
            double top = covisit;
            if (session > top) {
                best = CandidateSource.SESSION_KNN;
                top = session;
            }
            if (category > top) {
                best = CandidateSource.CATEGORY_POPULAR;
                top = category;
            }
            if (next > top) {
                best = CandidateSource.SEQUENCE;
            }
            p.discoverSources[j] = best;
        }
        p.discoverCount = n;
    }

    /** Adds an item's neighbour score to {@code fused}, once, if it is outside the history and the filters allow it. */
    private void addAllowed(OnlineCovisitation.Scores fused, String item, Pending p) {
        if (fused.get(item) > 0 || historySet.find(item) >= 0 || excluded.test(item)) {
            return;
        }
        double v = covisitTerm(item, p) + settings.discoverSessionWeight * log1pOrZero(sessions.lastScore(item))
                + categoryTerm(item, p) + sequenceTerm(item, p);
        if (v > 0) {
            fused.add(item, v);
        }
    }

    private double covisitTerm(String item, Pending p) {
        return online == null ? 0.0 : log1pOrZero(p.onlineScores.get(item));
    }

    /** {@code ln(1 + x)}, without the call for the many items a term does not reach ({@code x = 0}). */
    private static double log1pOrZero(double x) {
        return x == 0.0 ? 0.0 : Math.log1p(x);
    }

    private double sequenceTerm(String item, Pending p) {
        return sequence == null ? 0.0
                : settings.discoverSequenceWeight * log1pOrZero(p.sequenceScores.get(item));
    }

    private double categoryTerm(String item, Pending p) {
        return categories == null ? 0.0
                : settings.discoverCategoryWeight * log1pOrZero(p.categoryScores.get(item));
    }

    /** How many events are prepared but not yet scored. */
    int pending() {
        return pending;
    }

    /** The micro-batch size this function was configured with. */
    int batchSize() {
        return slots.length;
    }

    /** Lets {@link BatchingRecommendOperator} receive the lists of deferred batches (turns micro-batching on). */
    void emitTo(ListEmitter emitter) {
        this.emitter = emitter;
    }

    /** Scores what is pending in one ONNX call and emits its lists, oldest first, to the operator's emitter. */
    void flush() {
        if (pending > 0) {
            flush(emitter);
        }
    }

    private void flush(ListEmitter to) {
        int b = pending;
        if (b == 0) {
            return;
        }
        batch.clear();
        boolean any = false;
        for (int i = 0; i < b; i++) {
            batch.add(slots[i].request);
            any |= slots[i].request.numCandidates > 0;
        }
        float[][] scores = null;
        if (any) {
            long t0 = System.nanoTime();
            scores = ranker.score(batch);
            inferenceUs.update((System.nanoTime() - t0) / 1000);
        }
        batch.clear();
        pending = 0;
        for (int i = 0; i < b; i++) {
            Pending p = slots[i];
            to.emit(toList(p, scores == null ? EMPTY : scores[i]), p.timestamp, p.hasTimestamp);
            p.release();
        }
    }

    private static final float[] EMPTY = new float[0];

    /**
     * The emitted list: the best {@code topK + OVERFETCH} candidates by score, with source and "because". With a
     * re-visit scorer, the slots holding an item of the history window are refilled with the window's allowed items
     * in re-visit order (docs/MODEL_BUNDLE.md, "Re-visit order"): each slot keeps its ranker score, a candidate its
     * own source and "because", and a window item no source proposed is a {@code recent} item.
     *
     * <p>With the discovery list on, every entry says whether the discovery list skips it. In ranker order a
     * history-window item is skipped, and the next best candidates outside the window follow as
     * {@link ScoredList#extra} entries until {@code topK + OVERFETCH} entries are outside it, so the catalog filter
     * can cut a discovery list of top-K from the same ranking. In neighbour order the main list is skipped and the
     * extras are the prepared neighbour list ({@link #neighbourDiscovery}), filled up when it is short with the
     * ranker's best candidates outside the window (score 0, so the list stays best-first).
     *
     * <p>"because" is filled only for the entries the two lists show when the catalog filter drops nothing (it was a
     * quarter of this operator's Java time, JFR): an overfetched entry that moves up in place of an out-of-stock
     * item has none.
     */
    private ScoredList toList(Pending p, float[] scores) {
        CandidateSet candidates = p.candidates;
        int n = candidates.size();
        int m = Math.min(n, settings.topK + OVERFETCH);
        boolean byNeighbours = settings.discoverList && sessions != null;
        int want = settings.topK + OVERFETCH;
        int ranked = settings.discoverList ? Math.min(n, m + want) : m;
        int[] order = topIndices(scores, n, ranked);
        if (slotScores.length < m + want) { // reused buffers, grown to the largest list so far
            slotScores = new float[m + want];
            marks = new boolean[m + want];
            fill = new int[m + want];
        }
        for (int j = 0; j < ranked; j++) {
            slotScores[j] = scores[order[j]]; // the slot's score, before any re-visit refill
        }
        if (revisit != null && m > 0) {
            RankRequest r = p.request;
            revisit.prepare(r.histItems, r.histTypes, r.histTs, r.histCategories, r.histLen, r.triggerTs);
            int moved = revisit.refill(order, m, candidates, p.filtered ? p.allowedAt : null);
            if (moved > 0) {
                revisitSlotsReordered.inc(moved);
            }
        }
        String[] hist = p.request.histItems;
        int total = m;
        int fills = 0;
        boolean[] skipInDiscover = null;
        if (byNeighbours) {
            // the discovery list is the prepared neighbour list, after the main list; when the neighbours reach
            // fewer items (a new shopper), the ranker's best candidates outside the history fill it, with score 0
            historySet.build(hist, null, null, p.histLen);
            for (int j = 0; j < ranked && p.discoverCount + fills < want; j++) {
                int i = order[j];
                if (i >= 0 && historySet.find(candidates.item(i)) < 0 && !p.discovers(candidates.item(i))) {
                    fill[fills++] = i;
                }
            }
            total = m + p.discoverCount + fills;
            Arrays.fill(marks, 0, m, true);
            Arrays.fill(marks, m, total, false);
            for (int j = 0; j < p.discoverCount; j++) {
                slotScores[m + j] = (float) p.discoverScores[j];
            }
            Arrays.fill(slotScores, m + p.discoverCount, total, 0f);
            skipInDiscover = Arrays.copyOf(marks, total);
        } else if (settings.discoverList) {
            historySet.build(hist, null, null, p.histLen);
            int outside = 0;
            for (int j = 0; j < m; j++) {
                marks[j] = order[j] < 0 || historySet.find(candidates.item(order[j])) >= 0;
                outside += marks[j] ? 0 : 1;
            }
            for (int j = m; j < ranked && outside < want; j++) {
                if (historySet.find(candidates.item(order[j])) < 0) { // keep only extras outside the window
                    order[total] = order[j];
                    slotScores[total] = slotScores[j];
                    marks[total] = false;
                    total++;
                    outside++;
                }
            }
            skipInDiscover = Arrays.copyOf(marks, total);
        }

        ScoredList list = new ScoredList();
        list.userId = p.userId;
        list.seq = p.seq;
        list.modelVersion = bundle.modelVersion();
        list.triggerEventId = p.eventId;
        list.eventTs = p.eventTs;
        list.ingestTs = p.ingestTs;
        list.items = new String[total];
        list.scores = Arrays.copyOf(slotScores, total);
        list.sources = new String[total];
        list.because = new String[total];
        list.extra = total - m;
        list.skipInDiscover = skipInDiscover;
        because.prepare(bundle, hist, p.histLen);
        int outsideSeen = 0;
        for (int j = 0; j < total; j++) {
            // "because" for what the lists show when the catalog filter drops nothing: the main list's first top-K
            // and the first top-K outside the history; the overfetched rest only stand in for dropped items
            boolean explain = j < settings.topK;
            if (skipInDiscover != null && !skipInDiscover[j]) {
                explain |= outsideSeen++ < settings.topK;
            }
            int i;
            if (j < m || !byNeighbours) {
                i = order[j];
            } else if (j - m < p.discoverCount) {
                int d = j - m;
                list.items[j] = p.discoverIds[d];
                list.sources[j] = p.discoverSources[d].wireName();
                if (explain && p.discoverSources[d] == CandidateSource.ONLINE_COVISIT) {
                    list.because[j] = Because.online(online, p.onlineScores, list.items[j]);
                } else if (explain && p.histLen > 0 && (p.discoverSources[d] == CandidateSource.CATEGORY_POPULAR
                        || p.discoverSources[d] == CandidateSource.SEQUENCE)) {
                    list.because[j] = hist[0]; // popular in the category of, or often after, the item just viewed
                }
                continue;
            } else {
                i = fill[j - m - p.discoverCount];
            }
            if (i < 0) { // a re-visit the candidate sources did not propose: the history window's item of rank -1-i
                list.items[j] = revisit.item(-1 - i);
                list.sources[j] = CandidateSource.RECENT.wireName();
                list.because[j] = explain ? because.explain(list.items[j], -1, CandidateSource.RECENT) : null;
                continue;
            }
            list.items[j] = candidates.item(i);
            CandidateSource source = candidates.source(i);
            list.sources[j] = source.wireName();
            if (explain) {
                list.because[j] = source == CandidateSource.ONLINE_COVISIT
                        ? Because.online(online, p.onlineScores, list.items[j])
                        : because.explain(list.items[j], candidates.modelIndex(i), source);
            }
        }
        because.release();
        return list;
    }

    /** Receives the lists of a deferred batch, with the stream timestamp of the event that produced each. */
    interface ListEmitter {
        void emit(ScoredList list, long timestamp, boolean hasTimestamp);
    }

    /** Adapts the function's per-element collector for the unbatched path (its timestamp is already the event's). */
    private static final class CollectorEmitter implements ListEmitter {
        Collector<ScoredList> out;

        @Override
        public void emit(ScoredList list, long timestamp, boolean hasTimestamp) {
            out.collect(list);
        }
    }

    /** One prepared event: its own request buffers, candidates and online scores, reused batch after batch. */
    private static final class Pending {
        final RankRequest request = new RankRequest();
        final CandidateSet candidates = new CandidateSet();
        final OnlineCovisitation.Scores onlineScores = new OnlineCovisitation.Scores();
        final OnlineCovisitation.Scores fused = new OnlineCovisitation.Scores();
        /** The event's category's popular items, for {@link #neighbourDiscovery}. */
        final OnlineCovisitation.Scores categoryScores = new OnlineCovisitation.Scores();
        /** What followed the event's item, for {@link #neighbourDiscovery}. */
        final OnlineCovisitation.Scores sequenceScores = new OnlineCovisitation.Scores();
        /** Scratch for {@link #neighbourDiscovery}: the best items of one term at a time. */
        String[] poolIds = new String[0];
        /** The neighbour-ordered discovery list ({@link #neighbourDiscovery}). */
        String[] discoverIds = new String[0];
        double[] discoverScores = new double[0];
        CandidateSource[] discoverSources = new CandidateSource[0];
        int discoverCount;
        int histLen;
        /** Per history position, whether the job's filters allow its item (when {@link #filtered}). */
        boolean[] allowedAt = new boolean[0];
        boolean filtered;
        String userId;
        String eventId;
        long eventTs;
        long ingestTs;
        long seq;
        long timestamp;
        boolean hasTimestamp;

        Pending() {
            request.interest = new float[0];
            request.histItems = new String[0];
            request.histTypes = new EventType[0];
            request.histTs = new long[0];
            request.histCategories = new byte[0];
        }

        void ensureHistory(int h, int d) {
            if (request.interest.length != d) {
                request.interest = new float[d];
            }
            if (request.histItems.length < h) {
                int cap = Math.max(h, 64);
                request.histItems = new String[cap];
                request.histTypes = new EventType[cap];
                request.histTs = new long[cap];
                request.histCategories = new byte[cap];
                allowedAt = new boolean[cap];
            }
        }

        /** Whether the neighbour-ordered discovery list holds the item. */
        boolean discovers(String item) {
            for (int j = 0; j < discoverCount; j++) {
                if (discoverIds[j].equals(item)) {
                    return true;
                }
            }
            return false;
        }

        void ensureDiscover(int n) {
            if (discoverIds.length < n) {
                discoverIds = new String[n];
                discoverScores = new double[n];
                discoverSources = new CandidateSource[n];
                poolIds = new String[n];
            }
        }

        /** Drops references to this event's objects so a quiet operator does not pin them. */
        void release() {
            Arrays.fill(discoverIds, 0, discoverCount, null);
            Arrays.fill(poolIds, null);
            discoverCount = 0;
            userId = null;
            eventId = null;
            Arrays.fill(request.histItems, null);
            candidates.clear();
        }
    }

    /** The current key's state; for harness tests, which set the key on the operator first. */
    UserState currentState() throws java.io.IOException {
        return state.value();
    }

    /** The session-kNN index, or null; for harness tests. */
    SessionNeighbours sessionNeighbours() {
        return sessions;
    }

    /** The directed sequence table, or null; for harness tests. */
    OnlineCovisitation sequenceTable() {
        return sequence;
    }

    /** The category popularity table, or null; for harness tests. */
    CategoryPopularity categoryPopularity() {
        return categories;
    }

    /** The online co-visitation table, or null; for harness tests. */
    OnlineCovisitation onlineCovisitation() {
        return online;
    }

    /** The model currently serving. */
    ModelBundle bundle() {
        return bundle;
    }

    /** The serving bundle's re-visit scorer, or null; for harness tests. */
    RevisitScorer revisitScorer() {
        return revisit;
    }

    private transient Because because;

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
