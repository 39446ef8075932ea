package io.streamrec.job;

import io.streamrec.candidates.CandidateOptions;
import io.streamrec.candidates.CategoryPopularity;
import io.streamrec.candidates.DiscoveryFusion;
import io.streamrec.candidates.EventCandidates;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.candidates.SessionNeighbours;
import io.streamrec.event.UserEvent;
import io.streamrec.feedback.FeedbackHorizon;
import io.streamrec.feedback.ListFeedback;
import io.streamrec.model.BundleManifest;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.ListAssembler;
import io.streamrec.ranking.MicroBatch;
import io.streamrec.ranking.PreparedEvent;
import io.streamrec.ranking.RankerOptions;
import io.streamrec.ranking.RevisitScorer;
import io.streamrec.ranking.ServingModel;
import io.streamrec.sink.ScoredList;
import io.streamrec.store.BundleSource;
import io.streamrec.store.Variant;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateDescriptor;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The keyed heart of the job, one call per event ({@link #processElement}): update the user's state (dedup, interest
 * vector, history, sets, seq), generate candidates, score them all in one ONNX call, and emit the ranked list. State
 * update, retrieval and ranking share one operator so the interest vector and the ranker always come from the same
 * model version, and the user's state never has to travel between operators. This class is the Flink wiring only;
 * each stage is its own class: {@link EventCandidates} (candidates and the discovery list), {@link MicroBatch} and
 * {@link ListAssembler} (ranking and the emitted list), {@link OperatorTables} (the live tables as operator state),
 * {@link RecommendMetrics}, and {@link ServingModel} swapped in by {@link ModelReloader}.
 *
 * <p>Each parallel instance owns {@link io.streamrec.candidates.LiveTables}: an online co-visitation table, learnt from
 * every accepted event of the users it serves before that event is ranked (so the event's own pairs count, as the
 * contract's feature requires), which feeds the {@code online_covisit} candidate source and feature and survives
 * model swaps; and, with the discovery list ordered by neighbours, a session-kNN index, a category popularity table
 * and a sequence table.
 *
 * <p>Online feedback ({@link #FEEDBACK}): every accepted event judges the last list emitted for its user, and the
 * event's own list becomes the next one to judge ({@link FeedbackJudge}).
 *
 * <p>Warm-up ({@code recs.lists-from}): an event before that event time updates the state and the live tables exactly
 * as a ranked one does and stops there. Nothing a list computes is read by later events except through the state's
 * last list, which only feeds online feedback, so the events after it get the lists a run that ranked everything
 * would give (BatchingRecommendOperatorTest).
 */
public class RecommendFunction extends KeyedProcessFunction<String, UserEvent, ScoredList>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** How many ranked items travel to the catalog filter beyond top-K, so out-of-stock drops still leave K. */
    static final int OVERFETCH = 20;

    /**
     * The side output of {@link ListFeedback}: one per accepted event with an item whose user had a list (with
     * {@code feedback.horizon-events} N > 1: one per list, when one of the next N events closes it).
     */
    public static final OutputTag<ListFeedback> FEEDBACK =
            new OutputTag<>("list-feedback", TypeInformation.of(ListFeedback.class));

    private final JobSettings settings;

    private transient ValueState<UserState> state;
    private transient OperatorTables tables;
    private transient ServingVariants variants;
    private transient UserStateUpdater updater;
    private transient ModelReloader<ServingVariants> reloader;
    private transient EventCandidates candidates;
    /** Events per ONNX call: {@code ranker.batch-size} under {@link BatchingRecommendOperator}, else 1. */
    private transient int batchSize;
    private transient ListAssembler lists;
    private transient RecommendMetrics metrics;
    private transient FeedbackJudge feedback;
    /** Where deferred batches go; null when not run by {@link BatchingRecommendOperator} (then B = 1, no waiting). */
    private transient ListEmitter emitter;
    private transient CollectorEmitter collectorEmitter;
    /**
     * The states of the users whose events wait in the micro-batch, updated but not yet written: each is written
     * once, with its list, when the batch is scored. At most one entry per pending event; empty between batches
     * (and so at every checkpoint, which flushes first).
     */
    private transient java.util.Map<String, UserState> pendingStates;

    public RecommendFunction(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        tables = new OperatorTables(settings);
        tables.initialize(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        long us = tables.snapshot();
        if (metrics != null) {
            metrics.tablesSnapshotUs.update(us);
        }
    }

    /** The operator's metrics once open (tests read them). */
    RecommendMetrics metrics() {
        return metrics;
    }

    /** Records how long a checkpoint's synchronous part held the task thread (by the operator that runs this). */
    void checkpointSynchronousPart(long us) {
        if (metrics != null) {
            metrics.checkpointSyncUs.update(us);
        }
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        state = getRuntimeContext().getState(UserStateDescriptor.create(settings.stateTtlMs));
        batchSize = emitter == null ? 1 : settings.rankerBatchSize;
        String fingerprint = ModelReloader.fingerprint(settings.modelPath);
        install(prepare(new BundleSource(settings.modelPath).load()));
        reloader = new ModelReloader<>(settings.modelPath, fingerprint, this::prepare, ServingVariants::close);
        reloader.start(settings.modelReloadIntervalMs);

        collectorEmitter = new CollectorEmitter();
        pendingStates = new java.util.HashMap<>();
        tables.open();
        DiscoveryFusion discovery = !settings.sessionIndex() ? null
                : new DiscoveryFusion(settings.topK + OVERFETCH, settings.sessionSeeds, settings.sessionNeighbours,
                        settings.discoverSessionWeight, settings.discoverCategoryWeight,
                        settings.discoverSequenceWeight);
        candidates = new EventCandidates(settings.filterPurchased, settings.filterSeen, discovery);
        lists = new ListAssembler(settings.topK, OVERFETCH, settings.discoverList, settings.sessionIndex());
        feedback = new FeedbackJudge(FeedbackHorizon.create(getRuntimeContext(), settings.feedbackHorizonEvents,
                settings.feedbackHorizonMs, settings.stateTtlMs));
        metrics = new RecommendMetrics(getRuntimeContext().getMetricGroup(), reloader::failures,
                () -> variants.describe());
        metrics.serving(variants.versions());
    }

    /**
     * One event through the pipeline: state (dedup, live tables, the user's state), candidates, ranking request;
     * then its micro-batch is scored and emitted when full (at once when not batching).
     */
    @Override
    public void processElement(UserEvent e, Context ctx, Collector<ScoredList> out) throws Exception {
        swapModelIfReloaded();
        ServingVariants.Arm arm = variants.armFor(ctx.getCurrentKey());
        ServingModel serving = arm.model;
        // state: dedup, the live tables (learning from the history before the event), the user's state
        UserState s = pendingStates.isEmpty() ? null : pendingStates.get(ctx.getCurrentKey());
        // the user's previous event waits in this batch: its list, the one to judge, does not exist yet
        boolean previousPending = s != null;
        if (s == null) {
            s = state.value();
        }
        if (s == null) {
            s = new UserState();
        }
        if (UserStateUpdater.isDuplicate(s, e.eventId)) {
            metrics.duplicates.inc();
            return;
        }
        UserEvent judgeLater = previousPending && e.itemId != null ? e : null;
        // judged before the event changes the state's model version, sent once the event is accepted
        ListFeedback judged = judgeLater == null ? feedback.lastList(s, e, arm, variants) : null;
        tables.live().learn(s, e); // from the history as it stood before this event
        if (!updater.apply(s, e, serving.bundle)) {
            metrics.duplicates.inc();
            return;
        }
        if (judged != null) {
            ctx.output(FEEDBACK, judged);
        } else if (judgeLater == null) {
            feedback.openLists(e, f -> ctx.output(FEEDBACK, f));
        }
        // The state is written once, with the event's list, when the list is emitted (rememberList). Until then a
        // batched user's next event reads it from pendingStates: the backend still holds the state before this event.
        boolean warmUp = e.ts < settings.listsFromTs;
        if (emitter != null && !warmUp) {
            pendingStates.put(ctx.getCurrentKey(), s);
        }
        tables.live().observe(e, s);
        if (warmUp) { // recs.lists-from: state and tables only, no candidates, no ranking, no list
            metrics.warmUpEvents.inc();
            if (!previousPending) { // else the pending event's list writes this very object when it leaves
                state.update(s);
            }
            return;
        }

        // candidates, then the ranking request, in the event's micro-batch slot
        MicroBatch batch = arm.batch;
        PreparedEvent p = batch.next();
        BundleManifest model = serving.bundle.manifest();
        candidates.generate(serving.generator, s, e, tables.live(), serving.ranker.encoder().onlineCovisitItems(),
                model.seqLen(), p.pending, p.onlineScores, p.discovery);
        p.prepare(s, e, model.seqLen(), revisitFilter(serving, p), tables.live().online());
        p.stamp(ctx.timestamp());
        p.judgeLater = judgeLater;

        // ranking and the list: now, or when the micro-batch is full
        if (emitter == null) {
            // not batching: score and emit this event now, through the function's own collector
            collectorEmitter.out = out;
            flush(arm, collectorEmitter);
        } else if (batch.isFull()) {
            flush(arm, emitter);
        }
    }

    /** The filters, when the re-visit order must know which history items they allow; else null. */
    private Predicate<String> revisitFilter(ServingModel serving, PreparedEvent p) {
        return serving.revisit != null && candidates.filters() ? p.pending.excluded() : null;
    }

    private void swapModelIfReloaded() {
        ServingVariants next = reloader.poll();
        if (next != null) {
            flush(); // what is pending was prepared with the old model: score it with that model
            install(next);
            metrics.modelSwaps.inc();
            metrics.serving(variants.versions());
        }
    }

    /** Opens every variant's model; on failure closes what it opened (runs on the reloader's thread too). */
    private ServingVariants prepare(List<BundleSource.Served> served) throws Exception {
        List<ServingModel> models = new ArrayList<>();
        List<Variant> names = new ArrayList<>();
        try {
            for (BundleSource.Served v : served) {
                models.add(prepare(v.bundle()));
                names.add(v.variant());
            }
        } catch (Exception | LinkageError e) {
            models.forEach(ServingModel::close);
            throw e;
        }
        return new ServingVariants(names, models, batchSize);
    }

    private ServingModel prepare(ModelBundle b) throws Exception {
        RankerOptions r = new RankerOptions();
        r.intraOpThreads = settings.rankerThreads;
        CandidateOptions c = new CandidateOptions();
        c.retrievalN = settings.retrievalN;
        c.covisitN = settings.covisitN;
        c.onlineCovisitN = settings.onlineCovisitN;
        c.recentEnabled = settings.recentEnabled;
        c.recentN = settings.recentN;
        c.popularN = settings.popularN;
        c.ivfMinItems = settings.ivfMinItems;
        c.ivfProbe = settings.ivfProbe;
        return ServingModel.prepare(b, r, c);
    }

    /** Switches every model-dependent object to prepared models; the old rankers are closed afterwards. */
    private void install(ServingVariants next) {
        ServingVariants old = variants;
        variants = next; // a re-visit scorer is null when its bundle has none: the ranker's order again
        int historyLength = settings.recentN;
        for (BundleManifest m : next.manifests()) {
            historyLength = Math.max(historyLength, Math.max(m.seqLen(), m.covisitWindow()));
        }
        historyLength = Math.max(historyLength, tables.followModels(next.manifests()));
        updater = new UserStateUpdater(historyLength, settings.purchasedMax, settings.dedupWindow);
        if (old != null) {
            old.close();
        }
    }

    /** How many events are prepared but not yet scored. */
    int pending() {
        return variants.pending();
    }

    /** The micro-batch size this function was configured with. */
    int batchSize() {
        return batchSize;
    }

    /** Lets {@link BatchingRecommendOperator} receive the lists of deferred batches (turns micro-batching on). */
    void emitTo(ListEmitter emitter) {
        this.emitter = emitter;
    }

    /**
     * Scores what is pending, one ONNX call per variant, and emits the lists, oldest first per variant, to the
     * operator's emitter.
     */
    void flush() {
        for (int i = 0; i < variants.size(); i++) {
            flush(variants.arm(i), emitter);
        }
    }

    /** Scores one variant's pending events in one call and emits their lists (a user has one variant: in order). */
    private void flush(ServingVariants.Arm arm, ListEmitter to) {
        MicroBatch batch = arm.batch;
        int b = batch.pending();
        if (b == 0) {
            return;
        }
        ServingModel serving = arm.model;
        batch.completeCandidates(serving.generator);
        float[][] scores = batch.score(serving.ranker, metrics.inference);
        String key = to.currentKey(); // the lists are written back under their users' keys, then this one again
        for (int i = 0; i < b; i++) {
            PreparedEvent p = batch.slot(i);
            metrics.candidatesScored.inc(p.request.numCandidates);
            ScoredList list = lists.assemble(p, MicroBatch.row(scores, i), serving.bundle, serving.revisit,
                    tables.live().online());
            list.variant = arm.name;
            metrics.revisitMoved(lists.revisitMoved());
            // read before the list leaves: with object reuse a chained operator downstream receives this very object
            int[] shown = UserStateUpdater.itemHashes(list.items, Math.min(settings.topK, list.mainCount()));
            String user = list.userId;
            if (p.judgeLater != null) {
                feedback.judgeInBatch(p, arm, variants, to);
            }
            long listTs = list.eventTs;
            metrics.listServed(arm.name, shown, serving.bundle.manifest().numItems());
            to.emit(list, p.timestamp, p.hasTimestamp);
            rememberList(p.state, user, shown, to);
            feedback.open(p.state, shown, arm.name, listTs);
            pendingStates.remove(user);
            p.release();
        }
        if (key != null) {
            to.selectKey(key);
        }
    }

    /** Makes {@code shown} (the list's first top-K hashes) the user's last list and writes the state under its key. */
    private void rememberList(UserState s, String user, int[] shown, ListEmitter to) {
        s.lastList = shown;
        to.selectKey(user);
        try {
            state.update(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** After a restore, refills the session index from the keyed state ({@link OperatorTables#rebuildSessions}). */
    void rebuildSessions(Predicate<String> selectKey) throws IOException {
        tables.rebuildSessions(selectKey, state);
    }

    /** Receives the lists of a deferred batch, with the stream timestamp of the event that produced each. */
    interface ListEmitter {
        void emit(ScoredList list, long timestamp, boolean hasTimestamp);

        /** Sends a judgement made while a batch is scored to the {@link #FEEDBACK} side output. */
        default void feedback(ListFeedback f, long timestamp, boolean hasTimestamp) {
            throw new IllegalStateException("only a batching operator defers feedback");
        }

        /** Makes {@code userId} the current key, for writing its state; a no-op where it already is. */
        default void selectKey(String userId) {
        }

        /** The current key, restored after a batch was written back; null when there is none to restore. */
        default String currentKey() {
            return null;
        }
    }

    /** Adapts the function's per-element collector for the unbatched path (its timestamp is already the event's). */
    private static final class CollectorEmitter implements ListEmitter {
        Collector<ScoredList> out;

        @Override
        public void emit(ScoredList list, long timestamp, boolean hasTimestamp) {
            out.collect(list);
        }
    }

    /** The current key's state; for harness tests, which set the key on the operator first. */
    UserState currentState() throws IOException {
        return state.value();
    }

    /** The session-kNN index, or null; for harness tests. */
    SessionNeighbours sessionNeighbours() {
        return tables.live().sessions();
    }

    /** The directed sequence table, or null; for harness tests. */
    OnlineCovisitation sequenceTable() {
        return tables.live().sequence();
    }

    /** The category popularity table, or null; for harness tests. */
    CategoryPopularity categoryPopularity() {
        return tables.live().categories();
    }

    /** The online co-visitation table, or null; for harness tests. */
    OnlineCovisitation onlineCovisitation() {
        return tables.live().online();
    }

    /** Checks {@code model.path} now, as the reloader's thread does every interval; for harness tests. */
    void checkModelNow() {
        reloader.check();
    }

    /** The reloader's count of refused bundles and plans; for harness tests. */
    long modelReloadFailures() {
        return reloader.failures();
    }

    /** The model currently serving. */
    ModelBundle bundle() {
        return variants.first().model.bundle;
    }

    /** The serving bundle's re-visit scorer, or null; for harness tests. */
    RevisitScorer revisitScorer() {
        return variants.first().model.revisit;
    }

    @Override
    public void close() throws Exception {
        if (reloader != null) {
            reloader.close();
        }
        if (variants != null) {
            variants.close();
        }
    }
}
