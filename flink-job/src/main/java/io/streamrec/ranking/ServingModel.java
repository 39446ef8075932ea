package io.streamrec.ranking;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;

/**
 * A bundle made ready to serve: its ONNX session open, its candidate generator (with the IVF index for a large
 * catalogue) and its re-visit scorer (or none) built. Why: the model reloader prepares the next one on its own
 * thread, so a model swap costs the processing thread only the switch to a ready object. Closing it closes the ranker.
 */
public final class ServingModel implements AutoCloseable {
    public final ModelBundle bundle;
    public final OnnxRanker ranker;
    public final CandidateGenerator generator;
    /** The bundle's re-visit scorer, or null when its manifest has no {@code revisit}. */
    public final RevisitScorer revisit;

    private ServingModel(ModelBundle bundle, OnnxRanker ranker, CandidateGenerator generator, RevisitScorer revisit) {
        this.bundle = bundle;
        this.ranker = ranker;
        this.generator = generator;
        this.revisit = revisit;
    }

    /** Opens the bundle's ranker and builds its generator and re-visit scorer; nothing stays open on failure. */
    public static ServingModel prepare(ModelBundle bundle, RankerOptions rankerOptions,
                                       CandidateOptions candidateOptions) throws BundleException {
        OnnxRanker r = new OnnxRanker(bundle, rankerOptions);
        r.open();
        try {
            return new ServingModel(bundle, r, new CandidateGenerator(bundle, candidateOptions),
                    RevisitScorer.forBundle(bundle));
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    @Override
    public void close() {
        ranker.close();
    }
}
